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

/**
 * RFC 4180 rows, fed chunk by chunk; holds at most one row. A line without a quote is split as it is (the
 * common case, at string-search speed); a row with one goes through the character state machine, which
 * carries quoted commas and line breaks across lines and chunks.
 */
export class CsvRows {
  /** The start of a row without quotes so far, waiting for its line break. */
  private tail = '';
  /** In the state machine (a row with a quote), until that row ends. */
  private quotedRow = false;
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
    let at = 0;
    while (at < chunk.length) {
      if (this.quotedRow) {
        at = this.scan(chunk, at, out);
        continue;
      }
      const nl = chunk.indexOf('\n', at);
      const line = chunk.slice(at, nl === -1 ? chunk.length : nl);
      if (line.includes('"')) {
        // the row so far (a tail has neither quote nor line break) goes through the state machine first
        this.quotedRow = true;
        this.rowLine = this.line;
        if (this.tail) this.scan(this.tail, 0, out);
        this.tail = '';
        continue;
      }
      if (nl === -1) {
        this.tail += line; // only the new part was searched: a long row costs linear time
        break;
      }
      out.push(plainRow(this.tail + line, this.line));
      this.tail = '';
      this.line++;
      at = nl + 1;
    }
    return out;
  }

  /** The last row, if the input does not end with a line break. */
  end(): CsvRow | null {
    if (this.tail) {
      const row = plainRow(this.tail, this.line);
      this.tail = '';
      return row;
    }
    if (!this.quotedRow) return null;
    if (this.raw === '' && this.fields.length === 0 && this.field === '' && !this.quoted) return null;
    return this.row();
  }

  /** The state machine from `from` to the end of the row (the index after its line break) or of the text. */
  private scan(chunk: string, from: number, out: CsvRow[]): number {
    const start = from;
    for (let i = from; i < chunk.length; i++) {
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
        out.push(this.row());
        this.line++;
        return i + 1;
      } else this.field += chunk[i];
    }
    this.raw += chunk.slice(start);
    return chunk.length;
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
    this.quotedRow = false;
    return row;
  }
}

/** A line without quotes: split at the commas; a CR before the line break is dropped, one elsewhere kept. */
function plainRow(text: string, line: number): CsvRow {
  const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
  return { fields: raw.split(','), line, raw, quoted: false };
}
