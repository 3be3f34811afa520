import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded.js';

// A fresh data folder runs initdb (~2-5 s); reopening one takes well under a second.
const SLOW = { timeout: 120_000 };

const dirs: string[] = [];
const newDataDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'embedded-pg-'));
  dirs.push(dir);
  return join(dir, 'data');
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const sqlState = (err: unknown) => (err as { code?: string }).code;

describe('embedded PostgreSQL shared by several pools', () => {
  let db: EmbeddedPostgres;
  let dataDir: string;
  const pools: pg.Pool[] = [];
  const pool = (config: pg.PoolConfig = {}) => {
    // Time limits turn a protocol desync (the bug this module fixes) into errors, not a hang.
    const p = new pg.Pool({ connectionString: db.url, max: 5, query_timeout: 20_000, ...config });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    dataDir = await newDataDir();
    db = await startEmbeddedPostgres({ dataDir });
    await pool().query(`
      CREATE TABLE numbers (n int PRIMARY KEY, label text NOT NULL);
      INSERT INTO numbers SELECT n, 'n' || n FROM generate_series(1, 1000) n;
      CREATE TABLE items (id serial PRIMARY KEY, tag text NOT NULL, n int NOT NULL);
      CREATE SCHEMA sa; CREATE TABLE sa.t (v text); INSERT INTO sa.t VALUES ('a');
      CREATE SCHEMA sb; CREATE TABLE sb.t (v text); INSERT INTO sb.t VALUES ('b');
      CREATE SCHEMA "o'Odd"; CREATE TABLE "o'Odd".t (v text); INSERT INTO "o'Odd".t VALUES ('odd');`);
  }, SLOW.timeout);

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db?.stop();
  }, SLOW.timeout);

  it('keeps concurrent extended-protocol traffic from 4 pools correct', SLOW, async () => {
    const clients = [pool(), pool(), pool(), pool()];
    const wrong: string[] = [];
    const errors: string[] = [];
    const rolledBack: string[] = [];
    let deliberate = 0;
    const check = (what: string, ok: boolean, got: unknown) => {
      if (!ok) wrong.push(`${what}: ${JSON.stringify(got)}`);
    };

    const ops: Array<(p: pg.Pool, i: number) => Promise<void>> = [
      async (p, i) => {
        // the answer depends on the parameters
        const { rows } = await p.query<{ v: number; s: string }>('SELECT $1::int * 2 AS v, $2::text || $3::text AS s', [i, `p${i}`, '!']);
        check(`select ${i}`, rows[0]?.v === i * 2 && rows[0]?.s === `p${i}!`, rows);
      },
      async (p, i) => {
        const n = (i % 1000) + 1;
        const { rows } = await p.query<{ label: string }>('SELECT label FROM numbers WHERE n = $1', [n]);
        check(`lookup ${n}`, rows.length === 1 && rows[0]?.label === `n${n}`, rows);
      },
      async (p, i) => {
        // insert, then read back our own row
        const tag = `own-${i}`;
        const {
          rows: [row],
        } = await p.query<{ id: number }>('INSERT INTO items (tag, n) VALUES ($1, $2) RETURNING id', [tag, i]);
        const { rows } = await p.query<{ tag: string; n: number }>('SELECT tag, n FROM items WHERE id = $1', [row!.id]);
        check(`own row ${i}`, rows[0]?.tag === tag && rows[0]?.n === i, rows);
      },
      async (p, i) => {
        // committed transaction
        const c = await p.connect();
        try {
          await c.query('BEGIN');
          await c.query('INSERT INTO items (tag, n) VALUES ($1, 1), ($1, 2)', [`tx-${i}`]);
          const { rows } = await c.query<{ c: number }>('SELECT count(*)::int AS c FROM items WHERE tag = $1', [`tx-${i}`]);
          await c.query('COMMIT');
          check(`tx ${i} sees its rows`, rows[0]?.c === 2, rows);
        } finally {
          c.release();
        }
      },
    ];
    const txOps: Array<(p: pg.Pool, i: number) => Promise<void>> = [
      async (p, i) => {
        // rolled back: visible inside, gone afterwards
        const c = await p.connect();
        try {
          await c.query('BEGIN');
          await c.query('INSERT INTO items (tag, n) VALUES ($1, $2)', [`rb-${i}`, i]);
          const { rows } = await c.query<{ c: number }>('SELECT count(*)::int AS c FROM items WHERE tag = $1', [`rb-${i}`]);
          check(`rollback ${i} sees its row`, rows[0]?.c === 1, rows);
          await c.query('ROLLBACK');
          rolledBack.push(`rb-${i}`);
        } finally {
          c.release();
        }
      },
      async (p, i) => {
        // one failing statement aborts the transaction
        const c = await p.connect();
        try {
          await c.query('BEGIN');
          await c.query('INSERT INTO items (tag, n) VALUES ($1, $2)', [`fail-${i}`, i]);
          const err = await c.query('SELECT 1 / $1::int', [0]).catch((e: unknown) => e);
          check(`division by zero ${i}`, sqlState(err) === '22012', sqlState(err));
          const after = await c.query('SELECT 1').catch((e: unknown) => e);
          check(`aborted transaction ${i}`, sqlState(after) === '25P02', sqlState(after));
          deliberate += 2;
          await c.query('ROLLBACK');
          rolledBack.push(`fail-${i}`);
        } finally {
          c.release();
        }
      },
    ];

    const total = 640;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: total }, (_, i) => {
        const op = i % 20 === 7 ? txOps[((i / 20) % 2) | 0]! : ops[i % ops.length]!;
        return op(clients[i % clients.length]!, i).catch((e: unknown) => {
          errors.push(`op ${i}: ${String(e)}`);
        });
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`${total} mixed operations in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} ops/s)`);

    const { rows } = await clients[0]!.query<{ c: number }>('SELECT count(*)::int AS c FROM items WHERE tag = ANY($1)', [rolledBack]);
    check('rolled-back rows stay invisible', rows[0]?.c === 0, rows);
    expect(errors).toEqual([]);
    expect(wrong).toEqual([]);
    expect(rolledBack).toHaveLength(total / 20);
    expect(deliberate).toBe((total / 40) * 2);
  });

  it('gives each connection its own search_path although PGlite has one session', SLOW, async () => {
    // pg-pool awaits `onConnect` before handing the client out (a `connect` listener is not
    // awaited, and pg 8.23 warns about the queued query); @types/pg types its result as void.
    const onConnect =
      (sql: string): ((c: pg.ClientBase) => void) =>
      async (c) => {
        await c.query(sql);
      };
    const byKey = {
      a: pool({ onConnect: onConnect('SET search_path TO "sa"') }),
      b: pool({ onConnect: onConnect(`SELECT set_config('search_path', 'sb', false)`) }),
      odd: pool({ onConnect: onConnect(`SET search_path TO "o'Odd", public`) }),
    };
    const plain = pool();
    const seen = { a: new Set<string>(), b: new Set<string>(), odd: new Set<string>(), plain: new Set<string>() };
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const key = (['a', 'b', 'odd', 'plain'] as const)[i % 4]!;
        if (key === 'plain') {
          const { rows } = await plain.query<{ p: string }>('SELECT current_setting($1) AS p', ['search_path']);
          seen.plain.add(rows[0]!.p);
          return;
        }
        const { rows } = await byKey[key].query<{ v: string }>('SELECT v FROM t WHERE $1::int >= 0', [i]);
        seen[key].add(rows[0]!.v);
      }),
    );
    expect(seen).toEqual({ a: new Set(['a']), b: new Set(['b']), odd: new Set(['odd']), plain: new Set(['public']) });
  });

  it('releases the session and rolls back when a client disconnects inside a transaction', SLOW, async () => {
    const client = new pg.Client(db.url);
    await client.connect();
    await client.query('BEGIN');
    await client.query(`INSERT INTO items (tag, n) VALUES ('abandoned', 0)`);
    await client.end(); // no COMMIT
    const { rows } = await pool().query<{ c: number }>('SELECT count(*)::int AS c FROM items WHERE tag = $1', ['abandoned']);
    expect(rows[0]!.c).toBe(0);
  });

  it('refuses COPY FROM STDIN with a clear error instead of freezing the process', SLOW, async () => {
    const c = await pool().connect();
    try {
      const viaStream = await pipeline(Readable.from(['1\tx\n']), c.query(copyFrom('COPY items (n, tag) FROM STDIN'))).catch(
        (e: unknown) => e,
      );
      expect(sqlState(viaStream)).toBe('0A000');
      expect(String(viaStream)).toMatch(/multi-row INSERTs/);
      await c.query('BEGIN'); // extended protocol, inside a transaction: aborts it like any error
      const viaParse = await c.query({ name: 'copy-probe', text: 'copy items from stdin' }).catch((e: unknown) => e);
      expect(sqlState(viaParse)).toBe('0A000');
      expect(sqlState(await c.query('SELECT 1').catch((e: unknown) => e))).toBe('25P02');
      await c.query('ROLLBACK');
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      c.release();
    }
  });

  it('refuses a second server on a data folder in use', SLOW, async () => {
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(new RegExp(`folder .* is already in use by process ${process.pid}`));
    expect((await pool().query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]); // first one unharmed
  });
});

describe('embedded PostgreSQL data folder', () => {
  it('keeps data across a restart and takes over a stale lock', SLOW, async () => {
    const dataDir = await newDataDir();
    const first = await startEmbeddedPostgres({ dataDir });
    const p1 = new pg.Pool({ connectionString: first.url });
    await p1.query('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
    await p1.end();
    await first.stop();

    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dataDir, 'hub-embedded.lock'), `${deadPid}\n`);

    const second = await startEmbeddedPostgres({ dataDir });
    const p2 = new pg.Pool({ connectionString: second.url });
    try {
      expect((await p2.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await p2.end();
      await second.stop();
    }
  });
});
