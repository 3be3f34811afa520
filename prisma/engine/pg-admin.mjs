// One short-lived connection for administrative work (CREATE/DROP DATABASE, roles, grants), shared
// by the schema-engine stand-in, provisioning, the test databases and db-check. Plain JS so the
// stand-in can use it without a TypeScript loader.
import pg from 'pg';

/**
 * Calls `fn` with a fresh client connected to `url` (a `?schema=` parameter is ignored), and
 * closes it whatever happens.
 * @template T @param {string} url @param {(client: pg.Client) => Promise<T>} fn @returns {Promise<T>}
 */
export async function withClient(url, fn) {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `url` with `?schema=<schema>` set (Prisma's way of naming a subgraph's schema). @param {string} url @param {string} schema */
export function withSchema(url, schema) {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/** `url` pointed at another database on the same server, without `?schema=`. @param {string} url @param {string} database */
export function onDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  u.searchParams.delete('schema');
  return u.toString();
}

/** Runs `statements` in order on one fresh connection. @param {string} url @param {string[]} statements */
export const runStatements = (url, statements) =>
  withClient(url, async (client) => {
    for (const sql of statements) await client.query(sql);
  });
