import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';

export type Cell = string | number | boolean | Date | null | readonly string[] | { readonly [key: string]: unknown };
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
    else await insertRows(client, target, rows);
  } finally {
    client.release();
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const tableName = (t: { schema: string; table: string }) => `${ident(t.schema)}.${ident(t.table)}`;

async function copyRows(client: pg.PoolClient, t: { schema: string; table: string; columns: string[] }, rows: Cell[][]) {
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

/** A text[] value as a PostgreSQL array literal (`{"a","b"}`), for COPY. */
export const arrayLiteral = (items: readonly string[]): string => `{${items.map((i) => `"${i.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

/** A cell as the text PostgreSQL reads: dates as ISO 8601, string arrays as array literals, objects as JSON. */
export function cellText(value: Exclude<Cell, null>): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value as readonly string[]);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** COPY text format: \N for null, backslash escapes for the separators. */
export function copyText(value: Cell): string {
  if (value === null) return '\\N';
  const text = cellText(value);
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function insertRows(client: pg.PoolClient, t: { schema: string; table: string; columns: string[] }, rows: Cell[][]) {
  const width = t.columns.length;
  // PostgreSQL's bind limit is 65,535 parameters; stay well inside it.
  const perStatement = Math.max(1, Math.floor(30_000 / width));
  const head = `INSERT INTO ${tableName(t)} (${t.columns.map(ident).join(', ')}) VALUES `;
  await client.query('BEGIN');
  try {
    for (let start = 0; start < rows.length; start += perStatement) {
      const batch = rows.slice(start, start + perStatement);
      const values: Cell[] = [];
      const tuples = batch.map((row, r) => {
        values.push(...row);
        return `(${row.map((_, c) => `$${r * width + c + 1}`).join(', ')})`;
      });
      await client.query(head + tuples.join(', '), values);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
