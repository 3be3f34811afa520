import { FeedFailure } from '../failure.js';
import type { SourceRecord, UnreadableRecord } from '../types.js';
import { clip, textChunks, unreadable } from './text.js';

export interface CsvReadOptions {
  /** Columns the header must carry (order free, names exact); more are allowed. */
  columns?: readonly string[];
  /** Another accepted name per column (canonical → alias, e.g. the platform export's Chinese heading): read as the canonical name. */
  aliases?: Readonly<Record<string, string>>;
  /** Called with the header once it is read (kept with the run, so a replay can re-read rows). */
  onHeader?: (header: string[]) => void;
}

/**
 * CSV (RFC 4180): fields separated by commas, quoted fields may hold commas, quotes (doubled) and line
 * breaks; CRLF or LF; a header row first. Records are the rows after it, keyed by header, each with
 * the physical line it starts on; blank lines are skipped. A row with another number of fields than
 * the header is an unreadable record (CSV_COLUMN_COUNT). A header without a required column fails the
 * run (FeedFailure CSV_HEADER): no row could be read right.
 */
export async function* readCsv(
  stream: AsyncIterable<Buffer | string>,
  opts: CsvReadOptions = {},
): AsyncGenerator<SourceRecord | UnreadableRecord> {
  const rows = new CsvRows();
  let header: string[] | null = null;
  let recordNo = 0;
  const toRecord = (row: CsvRow): SourceRecord | UnreadableRecord | null => {
    if (row.fields.length === 1 && row.fields[0] === '' && !row.quoted) return null; // blank line
    if (!header) {
      header = checkHeader(canonical(row.fields, opts.aliases), opts.columns ?? []);
      opts.onHeader?.(header);
      return null;
    }
    recordNo += 1;
    return csvRecord(header, row, recordNo);
  };
  for await (const chunk of textChunks(stream)) {
    for (const row of rows.push(chunk)) {
      const record = toRecord(row);
      if (record) yield record;
    }
  }
  const last = rows.end();
  if (last) {
    const record = toRecord(last);
    if (record) yield record;
  }
}

/** A row as a record keyed by `header`, or unreadable when its field count differs (also used by replay). */
export function csvRecord(header: readonly string[], row: CsvRow, recordNo: number): SourceRecord | UnreadableRecord {
  if (row.fields.length !== header.length) {
    const message = `expected ${header.length} fields (the header's), found ${row.fields.length}`;
    return unreadable(recordNo, row.line, clip(row.raw), 'CSV_COLUMN_COUNT', message);
  }
  const value: Record<string, string> = {};
  header.forEach((name, i) => (value[name] = row.fields[i]!));
  return { recordNo, line: row.line, raw: row.raw, value };
}

/** Header names with each alias replaced by its canonical column name. */
function canonical(fields: string[], aliases: Readonly<Record<string, string>> | undefined): string[] {
  if (!aliases) return fields;
  const byAlias = new Map(Object.entries(aliases).map(([column, alias]) => [alias, column]));
  return fields.map((f) => byAlias.get(f) ?? f);
}

function checkHeader(fields: string[], required: readonly string[]): string[] {
  const missing = required.filter((c) => !fields.includes(c));
  if (missing.length) throw new FeedFailure('CSV_HEADER', `the CSV header lacks the column(s) ${missing.join(', ')}`, missing.join(','));
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f)) throw new FeedFailure('CSV_HEADER', `the CSV header names the column ${f} twice`, f);
    seen.add(f);
  }
  return fields;
}

export interface CsvRow {
  fields: string[];
  /** Physical line (1-based) the row starts on. */
  line: number;
  /** The row's text without its line break. */
  raw: string;
  /** Any field was quoted (so `""` is not a blank line). */
  quoted: boolean;
}

/** The RFC 4180 state machine, fed chunk by chunk; holds at most one row. */
export class CsvRows {
  private fields: string[] = [];
  private field = '';
  private raw = '';
  private inQuotes = false;
  /** The previous character closed a quote (a following quote is an escaped one). */
  private quoteEnded = false;
  private quoted = false;
  private line = 1;
  private rowLine = 1;
  private pendingCr = false;

  push(chunk: string): CsvRow[] {
    const out: CsvRow[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inQuotes) {
        if (c === 0x22) {
          this.inQuotes = false;
          this.quoteEnded = true;
        } else {
          if (c === 0x0a) this.line++;
          this.field += chunk[i];
        }
        continue;
      }
      if (c === 0x22) {
        if (this.quoteEnded) this.field += '"'; // "" inside a quoted field
        this.inQuotes = true;
        this.quoted = true;
        this.quoteEnded = false;
        continue;
      }
      this.quoteEnded = false;
      if (c === 0x0d) {
        this.pendingCr = true; // dropped before a line break (CRLF), kept anywhere else
        continue;
      }
      if (this.pendingCr && c !== 0x0a) this.field += '\r';
      this.pendingCr = false;
      if (c === 0x2c) {
        this.fields.push(this.field);
        this.field = '';
      } else if (c === 0x0a) {
        this.raw += chunk.slice(start, i);
        start = i + 1;
        out.push(this.row());
        this.line++;
        this.rowLine = this.line;
      } else this.field += chunk[i];
    }
    this.raw += chunk.slice(start);
    return out;
  }

  /** The last row, if the input does not end with a line break. */
  end(): CsvRow | null {
    if (this.raw === '' && this.fields.length === 0 && this.field === '' && !this.quoted) return null;
    return this.row();
  }

  private row(): CsvRow {
    this.fields.push(this.field);
    let raw = this.raw;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const row = { fields: this.fields, line: this.rowLine, raw, quoted: this.quoted };
    this.fields = [];
    this.field = '';
    this.raw = '';
    this.quoted = false;
    this.pendingCr = false;
    return row;
  }
}
