import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/test-database.js';
import type { BulkMethod } from '../db/bulk.js';
import { mergeRows } from './merge.js';
import { replayRun } from './replay.js';
import { runFeed } from './run.js';
import { ensureFeedTables, listRejects, listRuns, unresolvedRejects } from './store.js';
import type { FeedFormat, FeedKind, PeerLookup, Prepared } from './types.js';

/** A small feed of its own: items of a hospital, the hospital looked up in a table (the "directory" of this test). */
const SCHEMA = 'feedtest';
const noPeers: PeerLookup = { entities: async () => Promise.reject(new Error('no peers in this test')) };

const itemKind: FeedKind = {
  kind: 'items',
  description: 'test items',
  formats: ['ndjson', 'json', 'csv'],
  arrayKeys: ['items'],
  csvColumns: ['code', 'hospital', 'price'],
  tables: [
    {
      name: 'item',
      columns: ['code', 'hospital', 'price', 'tags', 'attrs', 'created_at', 'updated_at'],
      key: ['code'],
      insertOnly: ['created_at'],
      touch: ['updated_at'],
    },
  ],
  batchSize: 3,
  async prepare(records, ctx) {
    const { rows } = await ctx.pool.query<{ code: string }>(`SELECT code FROM ${SCHEMA}.hospital`);
    const hospitals = new Set(rows.map((r) => r.code));
    return records.map((r): Prepared => {
      const v = r.value as { code?: unknown; hospital?: unknown; price?: unknown; tags?: string[]; attrs?: Record<string, unknown> };
      if (typeof v?.code !== 'string') return { ok: false, error: { code: 'REQUIRED', message: 'code is required', field: 'code' } };
      if (!hospitals.has(String(v.hospital)))
        return { ok: false, error: { code: 'UNKNOWN_HOSPITAL', message: `no hospital ${String(v.hospital)}`, field: 'hospital' } };
      const now = new Date();
      return { ok: true, rows: { item: [v.code, String(v.hospital), String(v.price), v.tags ?? [], v.attrs ?? {}, now, now] } };
    });
  },
};

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase({ subgraphs: [], platformTables: {} });
  pool = new pg.Pool({ connectionString: db.adminUrl, max: 4 });
  await pool.query(`CREATE SCHEMA ${SCHEMA}`);
  await pool.query(`CREATE TABLE ${SCHEMA}.hospital (code text PRIMARY KEY)`);
  await pool.query(`INSERT INTO ${SCHEMA}.hospital VALUES ('H1')`);
  await pool.query(`CREATE TABLE ${SCHEMA}.item (
    code text PRIMARY KEY, hospital text NOT NULL, price numeric(12, 2) NOT NULL, tags text[] NOT NULL, attrs jsonb NOT NULL,
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, note text DEFAULT 'default note')`);
  await ensureFeedTables(pool, SCHEMA);
  await ensureFeedTables(pool, SCHEMA); // idempotent
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function* streamOf(text: string, size = 64) {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

const feed = (name: string, text: string, format: FeedFormat, extra: { method?: BulkMethod; maxBytes?: number } = {}) =>
  runFeed({
    subgraph: 'test',
    kind: itemKind,
    pool,
    schema: SCHEMA,
    method: extra.method ?? 'copy',
    source: { name, stream: streamOf(text), format },
    client: 'cli:test',
    peers: noPeers,
    maxBytes: extra.maxBytes,
  });

const lines = (items: object[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';
const items = (prefix: string, n: number, price = 1) =>
  Array.from({ length: n }, (_, i) => ({
    code: `${prefix}${i}`,
    hospital: 'H1',
    price,
    tags: ['a,b', 'c"d', 'e f'],
    attrs: { i, nested: [1] },
  }));

describe.each(['copy', 'insert'] as const)('merge by %s', (method) => {
  it('loads new records, then the same input again: nothing new, nothing updated, all unchanged and not rewritten', async () => {
    const text = lines(items(`${method}-`, 7));
    const first = await feed('a.ndjson', text, 'ndjson', { method });
    expect(first).toMatchObject({ status: 'SUCCEEDED', read: 7, inserted: 7, updated: 0, unchanged: 0, rejected: 0 });
    const before = await pool.query(`SELECT code, xmin::text, tags, attrs, note FROM ${SCHEMA}.item WHERE code LIKE $1 ORDER BY code`, [
      `${method}-%`,
    ]);
    expect(before.rows[0]).toMatchObject({ tags: ['a,b', 'c"d', 'e f'], attrs: { i: 0, nested: [1] }, note: 'default note' });
    const second = await feed('a.ndjson', text, 'ndjson', { method });
    expect(second).toMatchObject({ status: 'SUCCEEDED', read: 7, inserted: 0, updated: 0, unchanged: 7 });
    const after = await pool.query(`SELECT code, xmin::text, tags, attrs, note FROM ${SCHEMA}.item WHERE code LIKE $1 ORDER BY code`, [
      `${method}-%`,
    ]);
    expect(after.rows).toEqual(before.rows); // same xmin: no row was rewritten
  });

  it('counts a changed record as updated, keeps insert-only columns and sets touch columns', async () => {
    await feed('b.ndjson', lines(items(`${method}-u`, 2)), 'ndjson', { method });
    type Stamps = { price: string; created_at: Date; updated_at: Date };
    const { rows: was } = await pool.query<Stamps>(`SELECT price, created_at, updated_at FROM ${SCHEMA}.item WHERE code = $1`, [
      `${method}-u1`,
    ]);
    const changed = items(`${method}-u`, 2);
    changed[1]!.price = 9.5;
    const run = await feed('b.ndjson', lines(changed), 'ndjson', { method });
    expect(run).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const { rows: now } = await pool.query<Stamps>(`SELECT price, created_at, updated_at FROM ${SCHEMA}.item WHERE code = $1`, [
      `${method}-u1`,
    ]);
    expect(now[0]!.price).toBe('9.50');
    expect(now[0]!.created_at).toEqual(was[0]!.created_at);
    expect(now[0]!.updated_at.getTime()).toBeGreaterThan(was[0]!.updated_at.getTime());
  });
});

describe('rejects and replay', () => {
  it('keeps each reject with run, source, line, raw text, code and field, lists them, and a replay after the fix loads them', async () => {
    const text = [
      JSON.stringify({ code: 'r1', hospital: 'H1', price: 1 }),
      '{"code": "r2", ',
      '',
      JSON.stringify({ code: 'r3', hospital: 'H2', price: 3 }),
      JSON.stringify({ hospital: 'H1' }),
      JSON.stringify({ code: 'r5', hospital: 'H2', price: 5 }),
    ].join('\n');
    const run = await feed('rejects.ndjson', text, 'ndjson');
    expect(run).toMatchObject({ status: 'PARTIAL', read: 5, inserted: 1, rejected: 4 });
    const page = await listRejects(pool, SCHEMA, run.runId, { first: 3 });
    expect(page.rejects.map((r) => [r.recordNo, r.line, r.code, r.field])).toEqual([
      [2, 2, 'MALFORMED_JSON', null],
      [3, 4, 'UNKNOWN_HOSPITAL', 'hospital'],
      [4, 5, 'REQUIRED', 'code'],
    ]);
    expect(page.rejects[1]).toMatchObject({
      runId: run.runId,
      source: 'rejects.ndjson',
      raw: JSON.stringify({ code: 'r3', hospital: 'H2', price: 3 }),
    });
    expect(page.hasNextPage).toBe(true);
    const rest = await listRejects(pool, SCHEMA, run.runId, { first: 3, after: page.endCursor });
    expect(rest.rejects.map((r) => r.recordNo)).toEqual([5]);
    expect(rest.hasNextPage).toBe(false);

    await pool.query(`INSERT INTO ${SCHEMA}.hospital VALUES ('H2')`); // the fix, outside the records
    const replay = await replayRun({
      subgraph: 'test',
      kind: itemKind,
      pool,
      schema: SCHEMA,
      method: 'copy',
      client: 'cli:test',
      peers: noPeers,
      runId: run.runId,
    });
    expect(replay).toMatchObject({ status: 'PARTIAL', read: 4, inserted: 2, rejected: 2, replayOf: run.runId, source: 'rejects.ndjson' });
    const { rows } = await pool.query(`SELECT code FROM ${SCHEMA}.item WHERE code IN ('r3', 'r5') ORDER BY code`);
    expect(rows.map((r: { code: string }) => r.code)).toEqual(['r3', 'r5']);
    const all = await listRejects(pool, SCHEMA, run.runId, { first: 10 });
    expect(all.rejects.map((r) => [r.recordNo, r.resolvedByRun])).toEqual([
      [2, null],
      [3, replay.runId],
      [4, null],
      [5, replay.runId],
    ]);
    const left = [];
    for await (const r of unresolvedRejects(pool, SCHEMA, run.runId, 1)) left.push(r.recordNo);
    expect(left).toEqual([2, 4]);
    const again = await listRejects(pool, SCHEMA, replay.runId, { first: 10 });
    expect(again.rejects.map((r) => [r.recordNo, r.line, r.code])).toEqual([
      [2, 2, 'MALFORMED_JSON'],
      [4, 5, 'REQUIRED'],
    ]);
  });

  it('replays CSV rows with the header their run read', async () => {
    const run = await feed('orders.csv', 'price,code,hospital\n1,c1,H1\n2,c2,H9\n"3",c3\n', 'csv');
    expect(run).toMatchObject({ status: 'PARTIAL', read: 3, inserted: 1, rejected: 2 });
    await pool.query(`INSERT INTO ${SCHEMA}.hospital VALUES ('H9')`);
    const replay = await replayRun({
      subgraph: 'test',
      kind: itemKind,
      pool,
      schema: SCHEMA,
      method: 'insert',
      client: 'cli:test',
      peers: noPeers,
      runId: run.runId,
    });
    expect(replay).toMatchObject({ read: 2, inserted: 1, rejected: 1 });
    const { rejects } = await listRejects(pool, SCHEMA, replay.runId, {});
    expect(rejects.map((r) => [r.recordNo, r.line, r.code, r.raw])).toEqual([[3, 4, 'CSV_COLUMN_COUNT', '"3",c3']]);
  });
});

describe('failures', () => {
  it('stops at maxBytes with PAYLOAD_TOO_LARGE and status FAILED', async () => {
    const run = await feed('big.ndjson', lines(items('big-', 200)), 'ndjson', { maxBytes: 1_000 });
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(run.read).toBeLessThan(200);
  });

  it('fails an empty source with EMPTY_SOURCE', async () => {
    for (const format of ['ndjson', 'json', 'csv'] as const) {
      const run = await feed(`empty.${format}`, '', format);
      expect(run).toMatchObject({ status: 'FAILED', read: 0, error: { code: 'EMPTY_SOURCE' } });
    }
  });

  it('fails a CSV without a required column, naming it', async () => {
    const run = await feed('bad.csv', 'code,price\nx,1\n', 'csv');
    expect(run).toMatchObject({ status: 'FAILED', error: { code: 'CSV_HEADER', field: 'hospital' } });
  });

  it('fails on a database error with the error recorded, keeping the rejects so far', async () => {
    const bad = items('dberr-', 4).map((i, n) => (n === 3 ? { ...i, price: 1e20 } : i)); // numeric(12,2) overflows in batch 2
    const text = JSON.stringify({ code: 'x' }) + '\n' + lines(bad);
    const run = await feed('dberr.ndjson', text, 'ndjson');
    expect(run).toMatchObject({ status: 'FAILED', error: { code: 'DATABASE_ERROR' }, rejected: 1, inserted: 2 });
    expect((await listRejects(pool, SCHEMA, run.runId, {})).rejects).toHaveLength(1);
  });

  it('reads a JSON package and lists runs newest first, by kind', async () => {
    const run = await feed('p.json', JSON.stringify({ uri: 'u', items: items('pkg-', 2) }), 'json');
    expect(run).toMatchObject({ status: 'SUCCEEDED', read: 2, inserted: 2 });
    const page = await listRuns(pool, SCHEMA, { kind: 'items', first: 2 });
    expect(page.runs[0]!.runId).toBe(run.runId);
    expect(page.hasNextPage).toBe(true);
    const next = await listRuns(pool, SCHEMA, { kind: 'items', first: 500, after: page.endCursor });
    expect(next.runs.map((r) => r.runId)).not.toContain(run.runId);
    expect((await listRuns(pool, SCHEMA, { kind: 'other', first: 5 })).runs).toEqual([]);
  });
});

it('copies new keys straight in and, when a concurrent run stores one of them first, merges them staged instead', async () => {
  const other = await pool.connect();
  const mine = await pool.connect();
  try {
    await other.query('BEGIN');
    await other.query(`INSERT INTO ${SCHEMA}.item (code, hospital, price, tags, attrs, created_at, updated_at)
      VALUES ('race-1', 'H1', 1, '{}', '{}', now(), now())`);
    await mine.query('BEGIN');
    const now = new Date();
    const merging = mergeRows(
      mine,
      SCHEMA,
      itemKind.tables[0]!,
      [
        ['race-1', 'H1', '2', [], {}, now, now],
        ['race-2', 'H1', '3', [], {}, now, now],
      ],
      'copy',
    );
    // the key was not stored when mine looked: its COPY waits on the other transaction's row
    let waited = false;
    for (let i = 0; i < 250 && !waited; i++) {
      const { rows } = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY%item%'`);
      waited = rows.length > 0;
      if (!waited) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await other.query('COMMIT');
    const merged = await merging;
    await mine.query('COMMIT');
    expect(waited).toBe(true);
    expect(merged).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
    expect(merged.changedKeys.sort()).toEqual([['race-1'], ['race-2']]);
    const { rows } = await pool.query<{ code: string; price: string }>(
      `SELECT code, price::text FROM ${SCHEMA}.item WHERE code LIKE 'race-%' ORDER BY code`,
    );
    expect(rows).toEqual([
      { code: 'race-1', price: '2.00' },
      { code: 'race-2', price: '3.00' },
    ]);
  } finally {
    other.release();
    mine.release();
  }
});

describe('pipelined kinds', () => {
  /** itemKind with its prepare and afterMerge logged; pipelined, afterMerge of batch 1 waits (up to 2 s) for batch 2's prepare to start. */
  function logged(pipelined: boolean) {
    const events: string[] = [];
    const batches = new WeakMap<object, number>();
    let secondStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    const kind: FeedKind = {
      ...itemKind,
      kind: pipelined ? 'items-pipelined' : 'items-serial',
      pipelined,
      async prepare(records, ctx, batch) {
        events.push(`prepare ${batch!.no}`);
        if (batch!.no === 2) secondStarted();
        batches.set(batch!, batch!.no);
        return itemKind.prepare(records, ctx, batch);
      },
      async afterMerge(_keys, _ctx, batch) {
        events.push(`afterMerge ${batches.get(batch!)} start`);
        if (pipelined && batch!.no === 1)
          await Promise.race([started.then(() => events.push('overlapped')), new Promise((resolve) => setTimeout(resolve, 2_000))]);
        events.push(`afterMerge ${batches.get(batch!)} end`);
      },
    };
    return { kind, events };
  }
  const run = (kind: FeedKind, name: string, text: string) =>
    runFeed({
      subgraph: 'test',
      kind,
      pool,
      schema: SCHEMA,
      method: 'copy',
      source: { name, stream: streamOf(text), format: 'ndjson' },
      client: 'cli:test',
      peers: noPeers,
    });

  it('prepares the next batch while the last one commits; commits stay in order, each with its own batch', async () => {
    const { kind, events } = logged(true);
    const summary = await run(kind, 'pipe.ndjson', lines(items('pipe-', 7)));
    expect(summary).toMatchObject({ status: 'SUCCEEDED', read: 7, inserted: 7 });
    // batch 2 was prepared while batch 1's commit was still going (afterMerge 1 waited for it, not for its 2 s timeout)
    expect(events.indexOf('prepare 2')).toBeLessThan(events.indexOf('afterMerge 1 end'));
    expect(events).toContain('overlapped');
    // the commits one after the other, in order; each batch prepared before its commit
    expect(events.filter((e) => e.startsWith('afterMerge'))).toEqual([
      'afterMerge 1 start',
      'afterMerge 1 end',
      'afterMerge 2 start',
      'afterMerge 2 end',
      'afterMerge 3 start',
      'afterMerge 3 end',
    ]);
    for (const n of [1, 2, 3]) expect(events.indexOf(`prepare ${n}`)).toBeLessThan(events.indexOf(`afterMerge ${n} start`));
  });

  it('runs batch after batch when the kind is not pipelined', async () => {
    const { kind, events } = logged(false);
    expect(await run(kind, 'serial.ndjson', lines(items('serial-', 4)))).toMatchObject({ status: 'SUCCEEDED', inserted: 4 });
    expect(events).toEqual(['prepare 1', 'afterMerge 1 start', 'afterMerge 1 end', 'prepare 2', 'afterMerge 2 start', 'afterMerge 2 end']);
  });

  it('fails the run with the database error of a commit that failed while the next batch was prepared, keeping what committed', async () => {
    const { kind } = logged(true);
    const bad = items('pipe-err-', 8).map((i, n) => (n === 4 ? { ...i, price: 1e20 } : i)); // numeric(12,2) overflows in batch 2
    const summary = await run(kind, 'pipe-err.ndjson', lines(bad));
    expect(summary).toMatchObject({ status: 'FAILED', error: { code: 'DATABASE_ERROR' }, inserted: 3 });
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.item WHERE code LIKE 'pipe-err-%'`);
    expect(rows[0]!.n).toBe(3);
  });
});

it('runs a 50 MB NDJSON stream with bounded heap', async () => {
  const pad = 'x'.repeat(900);
  const total = 55_000; // ≈ 50 MB
  async function* generate() {
    let chunk = '';
    for (let i = 0; i < total; i++) {
      chunk += `{"code":"mem-${i}","hospital":"H1","price":${i % 1000},"tags":["t"],"attrs":{"pad":"${pad}"}}\n`;
      if (chunk.length > 1 << 16) {
        yield Buffer.from(chunk);
        chunk = '';
      }
    }
    if (chunk) yield Buffer.from(chunk);
  }
  // heapUsed counts garbage not yet collected: collect before each sample, so what is measured is what the run holds.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let bytes = 0;
  let sampledAt = 0;
  const run = await runFeed({
    subgraph: 'test',
    kind: { ...itemKind, batchSize: 2_000 },
    pool,
    schema: SCHEMA,
    method: 'copy',
    source: { name: 'generated.ndjson', stream: generate(), format: 'ndjson' },
    client: 'cli:test',
    peers: noPeers,
    onProgress: (p) => {
      bytes = p.bytes;
      if (bytes - sampledAt < 4_000_000) return;
      sampledAt = bytes;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
  });
  expect(run).toMatchObject({ status: 'SUCCEEDED', read: total, inserted: total });
  expect(bytes).toBeGreaterThan(50_000_000);
  // Measured ≈ 3 MB held; a reader that kept the input (50 MB of text, more parsed) could not pass under 40 MB.
  expect(peak).toBeGreaterThan(0);
  expect(peak - base).toBeLessThan(40 * 1024 * 1024);
}, 30_000);
