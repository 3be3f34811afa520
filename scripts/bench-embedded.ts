/*
 * Throughput and correctness of the embedded database under several pools.
 *   npx tsx scripts/bench-embedded.ts [--ops 3000] [--pools 4] [--conns 5] [--search-path] [--stock]
 * --search-path gives every pool its own schema via SET search_path (measures the cost of
 * restoring it whenever the session changes hands); --stock serves PGlite with pglite-socket's
 * own queue, without the session-ownership fix, to show what the fix prevents.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { startEmbeddedPostgres } from '#platform/db/embedded.js';

const { values: args } = parseArgs({
  options: {
    ops: { type: 'string', default: '3000' },
    pools: { type: 'string', default: '4' },
    conns: { type: 'string', default: '5' },
    'search-path': { type: 'boolean', default: false },
    stock: { type: 'boolean', default: false },
  },
});
const [ops, poolCount, conns] = [Number(args.ops), Number(args.pools), Number(args.conns)];

async function startStock(): Promise<{ url: string; stop(): Promise<void> }> {
  const db = new PGlite();
  const server = new PGLiteSocketServer({ db, port: 0, maxConnections: 100 });
  await server.start();
  const port = server.getServerConn().split(':').pop();
  const stop = async () => {
    await server.stop();
    await db.close();
  };
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop };
}

const dir = await mkdtemp(join(tmpdir(), 'bench-embedded-'));
const db = args.stock ? await startStock() : await startEmbeddedPostgres({ dataDir: join(dir, 'data') });
const schemas = Array.from({ length: poolCount }, (_, i) => (args['search-path'] ? `s${i}` : 'public'));
const setup = new pg.Client(db.url);
await setup.connect();
for (const [i, schema] of schemas.entries()) {
  await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema};
    CREATE TABLE IF NOT EXISTS ${schema}.kv (k int PRIMARY KEY, v text NOT NULL);
    CREATE TABLE IF NOT EXISTS ${schema}.log (id serial PRIMARY KEY, note text NOT NULL);
    INSERT INTO ${schema}.kv SELECT k, '${schema}:' || k FROM generate_series(1, 1000) k ON CONFLICT DO NOTHING;`);
  if (i === 0 && !args['search-path']) break;
}
await setup.end();

const pools = schemas.map(
  (schema) =>
    new pg.Pool({
      connectionString: db.url,
      max: conns,
      query_timeout: 10_000,
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- pg-pool awaits what onConnect returns before handing the client out; @types/pg types it as void
      onConnect: async (c: pg.ClientBase) => {
        await c.query(`SET search_path TO "${schema}"`);
      },
    }),
);
let wrong = 0;
const errors = new Map<string, number>();
const started = Date.now();
await Promise.all(
  Array.from({ length: ops }, async (_, i) => {
    const pool = pools[i % pools.length]!;
    const schema = schemas[i % pools.length]!;
    try {
      if (i % 4 === 3) {
        // a write, then read back our own row
        const {
          rows: [row],
        } = await pool.query<{ id: number }>('INSERT INTO log (note) VALUES ($1) RETURNING id', [`op${i}`]);
        const { rows } = await pool.query<{ note: string }>('SELECT note FROM log WHERE id = $1', [row!.id]);
        if (rows[0]?.note !== `op${i}`) wrong++;
      } else {
        const k = (i % 1000) + 1;
        const { rows } = await pool.query<{ v: string }>('SELECT v FROM kv WHERE k = $1', [k]);
        if (rows[0]?.v !== `${schema}:${k}`) wrong++;
      }
    } catch (err) {
      const key = String((err as Error).message).slice(0, 80);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }),
);
const seconds = (Date.now() - started) / 1000;
// 1 statement per read, 2 per write
const statements = ops + Math.floor(ops / 4);

console.log(
  `${args.stock ? 'stock pglite-socket' : 'embedded (session-owned)'}, ${poolCount} pools x ${conns}` +
    `${args['search-path'] ? ', a search_path per pool' : ''}`,
);
console.log(
  `${ops} operations (${statements} statements) in ${seconds.toFixed(2)} s: ` +
    `${Math.round(ops / seconds)} ops/s, ${Math.round(statements / seconds)} statements/s`,
);
console.log(`wrong results: ${wrong}, errors: ${[...errors.values()].reduce((a, b) => a + b, 0)}`);
for (const [message, count] of errors) console.log(`  ${count} x ${message}`);

await Promise.all(pools.map((p) => p.end().catch(() => {})));
await db.stop();
await rm(dir, { recursive: true, force: true });
