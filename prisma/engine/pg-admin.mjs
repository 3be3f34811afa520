// One short-lived connection for administrative statements (CREATE/DROP DATABASE, roles, grants),
// shared by the schema-engine stand-in, provisioning, the test databases and db-check. Plain JS so
// the stand-in can use it without a TypeScript loader.
import pg from 'pg';

/**
 * Runs `statements` in order on a fresh connection to `url` (a `?schema=` parameter is ignored),
 * then closes it whatever happens.
 * @param {string} url @param {string[]} statements
 */
export async function runStatements(url, statements) {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  client.on('error', () => {});
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}
