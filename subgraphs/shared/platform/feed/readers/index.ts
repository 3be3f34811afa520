import type { FeedFormat, SourceRecord, UnreadableRecord } from '../types.js';
import { readCsv, type CsvReadOptions } from './csv.js';
import { readJson, type JsonReadOptions } from './json.js';
import { readNdjson } from './ndjson.js';

export type ReadOptions = JsonReadOptions & CsvReadOptions;

/**
 * The records of a source in `format`, read as the bytes arrive: memory holds one record (and one
 * chunk), whatever the size of the source. Unreadable records come in order with the rest.
 */
export function readRecords(
  stream: AsyncIterable<Buffer | string>,
  format: FeedFormat,
  opts: ReadOptions = {},
): AsyncIterable<SourceRecord | UnreadableRecord> {
  switch (format) {
    case 'ndjson':
      return readNdjson(stream);
    case 'json':
      return readJson(stream, opts);
    case 'csv':
      return readCsv(stream, opts);
  }
}

/** The format a file name implies: .ndjson / .jsonl → ndjson, .json → json, .csv → csv; otherwise null. */
export function formatOfFile(name: string): FeedFormat | null {
  const ext = name.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  return null;
}

export { csvRecord, CsvRows } from './csv.js';
export { isUnreadable } from './text.js';
