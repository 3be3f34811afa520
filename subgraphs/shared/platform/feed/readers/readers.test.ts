import { describe, expect, it } from 'vitest';
import { FeedFailure } from '../failure.js';
import type { FeedFormat, SourceRecord, UnreadableRecord } from '../types.js';
import { formatOfFile, readRecords, type ReadOptions } from './index.js';

/** The text in chunks of `size` bytes, so every boundary (inside strings, escapes, CRLF, UTF-8 characters) gets crossed. */
async function* chunked(text: string, size: number) {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string, format: FeedFormat, opts: ReadOptions = {}, size = 7) {
  const out: (SourceRecord | UnreadableRecord)[] = [];
  for await (const r of readRecords(chunked(text, size), format, opts)) out.push(r);
  return out;
}

const summary = (rs: (SourceRecord | UnreadableRecord)[]) =>
  rs.map((r) => ('error' in r ? { n: r.recordNo, line: r.line, code: r.error.code } : { n: r.recordNo, line: r.line, value: r.value }));

describe('ndjson', () => {
  it('reports a malformed line in the middle with its line and reads on; blank lines count; CRLF and BOM', async () => {
    const text = '\ufeff{"id":"a"}\r\n\r\n{"id": "b",\r\n{"id":"c","name":"医院"}\r\n';
    const rs = await read(text, 'ndjson');
    expect(summary(rs)).toEqual([
      { n: 1, line: 1, value: { id: 'a' } },
      { n: 2, line: 3, code: 'MALFORMED_JSON' },
      { n: 3, line: 4, value: { id: 'c', name: '医院' } },
    ]);
    const bad = rs[1] as UnreadableRecord;
    expect(bad.raw).toBe('{"id": "b",');
    expect(bad.error.message).toMatch(/JSON/);
  });

  it('accepts a last line without a newline, and calls an unparsable last line truncated', async () => {
    expect(summary(await read('{"a":1}\n{"a":2}', 'ndjson'))).toEqual([
      { n: 1, line: 1, value: { a: 1 } },
      { n: 2, line: 2, value: { a: 2 } },
    ]);
    expect(summary(await read('{"a":1}\n{"a":2,"b":[1,', 'ndjson'))).toEqual([
      { n: 1, line: 1, value: { a: 1 } },
      { n: 2, line: 2, code: 'TRUNCATED' },
    ]);
  });

  it('reads nothing from an empty or blank source', async () => {
    expect(await read('', 'ndjson')).toEqual([]);
    expect(await read('\n\r\n  \n', 'ndjson')).toEqual([]);
  });
});

describe('json', () => {
  it('yields the elements of a top-level array with their lines, whatever the chunking', async () => {
    const text = '[\n  {"id":"a","s":"]}\\"\\\\"},\n  {"id":"b","n":[1,{"x":null}]},\n  3\n]\n';
    for (const size of [1, 2, 5, 1000]) {
      expect(summary(await read(text, 'json', {}, size))).toEqual([
        { n: 1, line: 2, value: { id: 'a', s: ']}"\\' } },
        { n: 2, line: 3, value: { id: 'b', n: [1, { x: null }] } },
        { n: 3, line: 4, value: 3 },
      ]);
    }
  });

  it('reads release and record packages: the arrays under arrayKeys are the records, other keys are metadata', async () => {
    const meta: Record<string, unknown> = {};
    const text =
      '{"uri":"https://x/p.json","publishedDate":"2025-01-02T00:00:00Z","extensions":["a"],' +
      '"releases":[{"ocid":"o-1"},{"ocid":"o-2"}],"publisher":{"name":"平台"}}';
    const rs = await read(text, 'json', { arrayKeys: ['releases', 'records'], onMetadata: (k, v) => (meta[k] = v) });
    expect(summary(rs)).toEqual([
      { n: 1, line: 1, value: { ocid: 'o-1' } },
      { n: 2, line: 1, value: { ocid: 'o-2' } },
    ]);
    expect(meta).toEqual({
      uri: 'https://x/p.json',
      publishedDate: '2025-01-02T00:00:00Z',
      extensions: ['a'],
      publisher: { name: '平台' },
    });
    const records = await read('{"records":[{"ocid":"o-9","releases":[]}]}', 'json', { arrayKeys: ['releases', 'records'] });
    expect(summary(records)).toEqual([{ n: 1, line: 1, value: { ocid: 'o-9', releases: [] } }]);
  });

  it('takes a top-level object without any array key as the one record, and reports no metadata for it', async () => {
    const meta: string[] = [];
    const rs = await read('\ufeff{"ocid":"o-1","tender":{"id":"t"}}', 'json', { arrayKeys: ['releases'], onMetadata: (k) => meta.push(k) });
    expect(summary(rs)).toEqual([{ n: 1, line: 1, value: { ocid: 'o-1', tender: { id: 't' } } }]);
    expect(meta).toEqual([]);
  });

  it('reports a truncated document with the line of the unfinished record, after the whole ones', async () => {
    const rs = await read('[{"a":1},\n{"a":2},\n{"a":3, "b":"x', 'json');
    expect(summary(rs)).toEqual([
      { n: 1, line: 1, value: { a: 1 } },
      { n: 2, line: 2, value: { a: 2 } },
      { n: 3, line: 3, code: 'TRUNCATED' },
    ]);
    expect(summary(await read('{"releases":[{"a":1}', 'json', { arrayKeys: ['releases'] }))).toEqual([
      { n: 1, line: 1, value: { a: 1 } },
      { n: 2, line: 1, code: 'TRUNCATED' },
    ]);
  });

  it('stops at a syntax error (JSON cannot resynchronise), with its line', async () => {
    const rs = await read('[{"a":1},\n{"a":2} {"a":3}]', 'json');
    expect(summary(rs)).toEqual([
      { n: 1, line: 1, value: { a: 1 } },
      { n: 2, line: 2, value: { a: 2 } },
      { n: 3, line: 2, code: 'MALFORMED_JSON' },
    ]);
    expect(summary(await read('[{"a":1},\n{"a":tru}]', 'json'))[1]).toEqual({ n: 2, line: 2, code: 'MALFORMED_JSON' });
    expect(summary(await read('[{"a":[1}]', 'json'))).toEqual([{ n: 1, line: 1, code: 'MALFORMED_JSON' }]);
    expect(summary(await read('"just a string"', 'json'))).toEqual([{ n: 1, line: 1, code: 'MALFORMED_JSON' }]);
    expect(summary(await read('[1] x', 'json'))[1]).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('reads nothing from an empty document or an empty array', async () => {
    expect(await read('', 'json')).toEqual([]);
    expect(await read('  \n', 'json')).toEqual([]);
    expect(await read('[]', 'json')).toEqual([]);
    expect(await read('{"releases":[]}', 'json', { arrayKeys: ['releases'] })).toEqual([]);
  });
});

describe('csv', () => {
  const columns = ['code', 'name', 'qty'];

  it('reads quoted fields with commas, doubled quotes and line breaks, keyed by header, with physical lines; BOM and CRLF', async () => {
    const text = '\ufeffcode,name,qty\r\nA1,"Saline, 0.9%",3\r\nA2,"He said ""hi""\r\nand left",4\r\n\r\nA3,,5';
    for (const size of [1, 3, 1000]) {
      const rs = await read(text, 'csv', { columns }, size);
      expect(summary(rs)).toEqual([
        { n: 1, line: 2, value: { code: 'A1', name: 'Saline, 0.9%', qty: '3' } },
        { n: 2, line: 3, value: { code: 'A2', name: 'He said "hi"\r\nand left', qty: '4' } },
        { n: 3, line: 6, value: { code: 'A3', name: '', qty: '5' } },
      ]);
      expect(rs[0]!.raw).toBe('A1,"Saline, 0.9%",3');
    }
  });

  it('rejects a row with the wrong number of fields, with its physical line, and reads on', async () => {
    const rs = await read('code,name,qty\nA1,x,1\nA2,y\nA3,z,3,extra\nA4,w,4\n', 'csv', { columns });
    expect(summary(rs)).toEqual([
      { n: 1, line: 2, value: { code: 'A1', name: 'x', qty: '1' } },
      { n: 2, line: 3, code: 'CSV_COLUMN_COUNT' },
      { n: 3, line: 4, code: 'CSV_COLUMN_COUNT' },
      { n: 4, line: 5, value: { code: 'A4', name: 'w', qty: '4' } },
    ]);
    expect((rs[1] as UnreadableRecord).raw).toBe('A2,y');
    expect((rs[1] as UnreadableRecord).error.message).toBe("expected 3 fields (the header's), found 2");
  });

  it('fails on a header without a required column, naming it; columns may come in any order', async () => {
    await expect(read('name,code\nx,A1\n', 'csv', { columns })).rejects.toThrow(
      expect.objectContaining({ code: 'CSV_HEADER', message: expect.stringContaining('qty') }) as FeedFailure,
    );
    expect(summary(await read('qty,code,name\n1,A1,x\n', 'csv', { columns }))).toEqual([
      { n: 1, line: 2, value: { qty: '1', code: 'A1', name: 'x' } },
    ]);
  });

  it('reads plain and quoted rows alike, whatever the chunking: a lone CR stays in its field, a long row is read whole', async () => {
    const long = 'x'.repeat(100_000);
    const text = `code,name,qty\nA1,a\rb,1\nA2,"q,1",2\nA3,${long},3\nA4,plain,4\r\n"A5",tail,5`;
    for (const size of [1, 5, 4096]) {
      expect(summary(await read(text, 'csv', { columns }, size))).toEqual([
        { n: 1, line: 2, value: { code: 'A1', name: 'a\rb', qty: '1' } },
        { n: 2, line: 3, value: { code: 'A2', name: 'q,1', qty: '2' } },
        { n: 3, line: 4, value: { code: 'A3', name: long, qty: '3' } },
        { n: 4, line: 5, value: { code: 'A4', name: 'plain', qty: '4' } },
        { n: 5, line: 6, value: { code: 'A5', name: 'tail', qty: '5' } },
      ]);
    }
  });

  it('reads nothing from an empty file', async () => {
    expect(await read('', 'csv', { columns })).toEqual([]);
  });
});

it('knows the format of a file by its extension', () => {
  expect(['a.ndjson', 'b.JSONL', 'c.json', 'd.csv', 'e.txt'].map(formatOfFile)).toEqual(['ndjson', 'ndjson', 'json', 'csv', null]);
});
