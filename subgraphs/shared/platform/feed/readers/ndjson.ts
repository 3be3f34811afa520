import type { SourceRecord, UnreadableRecord } from '../types.js';
import { clip, reason, textChunks, unreadable } from './text.js';

/**
 * JSON lines (https://jsonlines.org): one JSON value per line. Blank lines are skipped but counted,
 * so every record keeps its physical line; CRLF is accepted. A line that does not parse is an
 * unreadable record (MALFORMED_JSON) and reading goes on; a last line that does not parse, with no
 * newline after it, is a file cut short (TRUNCATED). Holds at most one line in memory.
 */
export async function* readNdjson(stream: AsyncIterable<Buffer | string>): AsyncGenerator<SourceRecord | UnreadableRecord> {
  let pending = '';
  let line = 0;
  let recordNo = 0;
  const parse = (text: string, atEof: boolean): SourceRecord | UnreadableRecord | null => {
    line += 1;
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() === '') return null;
    recordNo += 1;
    try {
      return { recordNo, line, raw, value: JSON.parse(raw) as unknown };
    } catch (err) {
      return atEof
        ? unreadable(recordNo, line, clip(raw), 'TRUNCATED', `the last line is incomplete (${reason(err)})`)
        : unreadable(recordNo, line, clip(raw), 'MALFORMED_JSON', reason(err));
    }
  };
  for await (const chunk of textChunks(stream)) {
    let start = 0;
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      pending += chunk;
      continue;
    }
    while (nl !== -1) {
      const text = start === 0 && pending ? pending + chunk.slice(0, nl) : chunk.slice(start, nl);
      pending = '';
      const record = parse(text, false);
      if (record) yield record;
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    pending = chunk.slice(start);
  }
  if (pending) {
    const record = parse(pending, true);
    if (record) yield record;
  }
}
