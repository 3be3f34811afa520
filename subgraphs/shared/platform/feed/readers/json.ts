import type { SourceRecord, UnreadableRecord } from '../types.js';
import { JsonSplitter, type SplitEvent } from './json-splitter.js';
import { clip, reason, textChunks, unreadable } from './text.js';

export interface JsonReadOptions {
  /** Keys of a top-level object whose arrays hold the records (OCDS: `releases`, `records`). */
  arrayKeys?: readonly string[];
  /** Every other top-level key of a package (`publishedDate`, `uri`, `extensions`, …), when its value is small (json-splitter.ts). */
  onMetadata?: (key: string, value: unknown) => void;
}

/**
 * One JSON document, streamed (json-splitter.ts): the records of its top-level array or package, or
 * the document itself. JSON cannot resynchronise after a syntax error, so the first one ends the
 * reading as an unreadable record (MALFORMED_JSON; TRUNCATED when the document is cut short).
 */
export async function* readJson(
  stream: AsyncIterable<Buffer | string>,
  opts: JsonReadOptions = {},
): AsyncGenerator<SourceRecord | UnreadableRecord> {
  const splitter = new JsonSplitter(new Set(opts.arrayKeys ?? []));
  let recordNo = 0;
  const toRecord = (event: SplitEvent): SourceRecord | UnreadableRecord | null => {
    if (event.type === 'meta') {
      try {
        opts.onMetadata?.(event.key, JSON.parse(event.raw));
      } catch (err) {
        return unreadable(recordNo + 1, 1, clip(event.raw), 'MALFORMED_JSON', `package key ${event.key}: ${reason(err)}`);
      }
      return null;
    }
    recordNo += 1;
    if (event.type === 'error') return unreadable(recordNo, event.line, clip(event.raw), event.code, event.message);
    try {
      return { recordNo, line: event.line, raw: event.raw, value: JSON.parse(event.raw) as unknown };
    } catch (err) {
      return unreadable(recordNo, event.line, clip(event.raw), 'MALFORMED_JSON', reason(err));
    }
  };
  for await (const chunk of textChunks(stream)) {
    for (const event of splitter.push(chunk)) {
      const record = toRecord(event);
      if (!record) continue;
      yield record;
      if ('error' in record) return;
    }
  }
  for (const event of splitter.end()) {
    const record = toRecord(event);
    if (record) yield record;
  }
}
