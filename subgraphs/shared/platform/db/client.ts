import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';

/** Counts SQL statements sent by one subgraph — used by the batching tests and the benchmarks. */
export interface DbStats {
  statements: number;
}

export interface DbOptions {
  /** A PostgreSQL URL; `?schema=` is ignored here, the schema is given explicitly. */
  url: string;
  /** The subgraph's own PostgreSQL schema; Prisma qualifies every table with it. */
  schema: string;
  poolSize?: number;
  /** pg waits forever for a connection by default; a dead database must fail fast instead. */
  connectionTimeoutMillis?: number;
  statementTimeoutMillis?: number;
}

export interface Db<TClient> {
  client: TClient;
  /** The subgraph's PostgreSQL schema, which raw SQL must name (Prisma's own queries qualify tables with it). */
  schema: string;
  pool: pg.Pool;
  stats: DbStats;
  close(): Promise<void>;
}

/**
 * One pool and one Prisma client per subgraph process (never per request). The pool is ours, not
 * the adapter's, so that statements can be counted and limits set in one place.
 */
export async function createDb<TClient extends { $disconnect(): Promise<void> }>(
  makeClient: (adapter: PrismaPg) => TClient | Promise<TClient>,
  opts: DbOptions,
): Promise<Db<TClient>> {
  const url = new URL(opts.url);
  url.searchParams.delete('schema');
  const stats: DbStats = { statements: 0 };
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMillis ?? 30_000,
    application_name: `integrity-hub:${opts.schema}`,
  });
  pool.on('connect', (conn) => {
    const query = conn.query.bind(conn) as (...args: unknown[]) => unknown;
    (conn as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      stats.statements += 1;
      return query(...args);
    };
  });
  // An idle client losing its server (database restart) must not crash the process.
  pool.on('error', () => undefined);
  let client: TClient;
  try {
    client = await makeClient(new PrismaPg(pool, { schema: opts.schema }));
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return {
    client,
    schema: opts.schema,
    pool,
    stats,
    close: async () => {
      await client.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
