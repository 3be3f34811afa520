import { StringDecoder } from 'node:string_decoder';
import type { UnreadableRecord } from '../types.js';

/**
 * UTF-8 text of a byte stream, chunk by chunk, without the byte-order mark: a character split across
 * two chunks is held back until it is whole (StringDecoder), so no reader ever sees half of one.
 */
export async function* textChunks(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of stream) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** A record that could not be read, with the reader's reason. */
export const unreadable = (recordNo: number, line: number, raw: string, code: string, message: string): UnreadableRecord => ({
  recordNo,
  line,
  raw,
  error: { code, message },
});

export const isUnreadable = (r: object): r is UnreadableRecord => 'error' in r;

/** Raw text kept with a reject is bounded: a runaway "record" (a whole file without newlines) must not fill the table. */
export const MAX_RAW_CHARS = 1 << 20;
export const clip = (raw: string): string => (raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw);

export const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));
