import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * One value of a row. Arrays go to array columns (`text[]`) and plain objects to `jsonb`; a JSON array
 * for a `jsonb` column must be given as its JSON text (feed merges know the column types and encode it).
 */
export type Cell =
  string | number | boolean | Date | null | readonly (string | number | boolean | null)[] | { readonly [key: string]: unknown };
export type BulkMethod = 'copy' | 'insert';

/**
 * Bulk-load rows into `schema.table`: COPY on real PostgreSQL (fastest path), large multi-row
 * INSERTs on the embedded PGlite server, where COPY through pglite-socket fails and then hangs
 * the server (docs/architecture.md, "Data"). Never one statement per row.
 */
export async function bulkLoad(
  pool: pg.Pool,
  target: { schema: string; table: string; columns: string[] },
  rows: Cell[][],
  method: BulkMethod,
): Promise<void> {
  if (rows.length === 0) return;
  const client = await pool.connect();
  try {
    if (method === 'copy') await copyRows(client, target, rows);
    else await inTransaction(client, () => insertRows(client, target, rows));
  } finally {
    client.release();
  }
}

/**
 * The same on a client inside the caller's transaction (e.g. a feed replacing a process's rows:
 * DELETE then load, atomically). Never opens or ends a transaction itself.
 */
export async function bulkLoadOn(
  client: pg.PoolClient,
  target: { schema: string; table: string; columns: string[] },
  rows: Cell[][],
  method: BulkMethod,
): Promise<void> {
  if (rows.length === 0) return;
  if (method === 'copy') await copyRows(client, target, rows);
  else await insertRows(client, target, rows);
}

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const tableName = (t: { schema: string; table: string }) => `${ident(t.schema)}.${ident(t.table)}`;

/** COPY `rows` into the table on this connection (inside the caller's transaction, if any). */
export async function copyRows(client: pg.PoolClient, t: { schema: string; table: string; columns: string[] }, rows: Cell[][]) {
  const sql = `COPY ${tableName(t)} (${t.columns.map(ident).join(', ')}) FROM STDIN`;
  const stream = client.query(copyFrom(sql));
  async function* lines() {
    let chunk = '';
    for (const row of rows) {
      chunk += row.map(copyText).join('\t') + '\n';
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), stream);
}

/** COPY text format: \N for null, backslash escapes for the separators. */
export function copyText(value: Cell): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : cellText(value);
  // Most cells need no escaping: test once, replace (one pass) only when they do — COPY's hot path.
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : text;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A cell as PostgreSQL's text input: arrays as array literals, objects as JSON. */
export function cellText(value: Exclude<Cell, null>): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value as readonly (string | number | boolean | null)[]);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A one-dimensional array literal (`{"a","b",NULL}`): every element quoted, so commas, braces and spaces are safe. */
export const arrayLiteral = (items: readonly (string | number | boolean | null)[]): string =>
  `{${items.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;

async function inTransaction(client: pg.PoolClient, work: () => Promise<void>) {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Multi-row INSERTs of `rows` on this connection (the caller holds the transaction). */
export async function insertRows(client: pg.PoolClient, t: { schema: string; table: string; columns: string[] }, rows: Cell[][]) {
  const width = t.columns.length;
  // PostgreSQL's bind limit is 65,535 parameters; stay well inside it.
  const perStatement = Math.max(1, Math.floor(30_000 / width));
  const head = `INSERT INTO ${tableName(t)} (${t.columns.map(ident).join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    const tuples = batch.map((row, r) => {
      for (const cell of row) values.push(cell === null || cell instanceof Date ? cell : cellText(cell));
      return `(${row.map((_, c) => `$${r * width + c + 1}`).join(', ')})`;
    });
    await client.query(head + tuples.join(', '), values);
  }
}
