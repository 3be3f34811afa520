import type pg from 'pg';
import { arrayLiteral, copyRows, ident, insertRows, type BulkMethod, type Cell } from '../db/bulk.js';
import type { FeedTable, MergeCounts } from './types.js';

let staged = 0;

/**
 * Upsert `rows` (cells in `table.columns` order) into `schema.table` by its natural key, inside the
 * caller's transaction: the rows go to a temporary staging table (COPY on PostgreSQL, multi-row
 * INSERTs on PGlite — bulk.ts), then one INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM
 * moves them, so a row equal to the stored one is not rewritten (no new tuple, no trigger, no WAL).
 * Rows repeating a key within the batch: the last wins (ON CONFLICT may not touch a row twice).
 * `changedKeys`: the natural keys (as text) of the rows inserted or updated.
 */
export async function mergeRows(
  client: pg.PoolClient,
  schema: string,
  table: FeedTable,
  rows: Cell[][],
  method: BulkMethod,
): Promise<MergeCounts & { changedKeys: string[][] }> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedKeys: [] };
  const target = `${ident(schema)}.${ident(table.name)}`;
  const encoders = await cellEncoders(client, schema, table);
  const unique = dedupeByKey(
    rows.map((row) => row.map((cell, i) => encoders[i]!(cell))),
    table.columns.map((c, i) => (table.key.includes(c) ? i : -1)).filter((i) => i >= 0),
  );
  // Only the fed columns, no constraints: the target's defaults fill the others on the way in.
  const stage = `feed_stage_${++staged}`;
  const cols = table.columns.map(ident).join(', ');
  await client.query(`CREATE TEMP TABLE ${ident(stage)} ON COMMIT DROP AS SELECT ${cols} FROM ${target} WITH NO DATA`);
  const stageTarget = { schema: 'pg_temp', table: stage, columns: table.columns };
  if (method === 'copy') await copyRows(client, stageTarget, unique);
  else await insertRows(client, stageTarget, unique);
  const result = await client.query<Record<string, string | boolean>>(mergeSql(target, `pg_temp.${ident(stage)}`, table));
  await client.query(`DROP TABLE pg_temp.${ident(stage)}`);
  let inserted = 0;
  const changedKeys = result.rows.map((r) => {
    if (r.inserted === true) inserted += 1;
    return table.key.map((_, i) => r[`k${i}`] as string);
  });
  const updated = result.rows.length - inserted;
  return { inserted, updated, unchanged: rows.length - inserted - updated, changedKeys };
}

/** The merge statement: set every column but the key and the insert-only ones; compare all but `touch`. */
export function mergeSql(target: string, stage: string, table: FeedTable): string {
  const skip = new Set([...table.key, ...(table.insertOnly ?? [])]);
  const set = table.columns.filter((c) => !skip.has(c));
  const touch = new Set(table.touch ?? []);
  const compared = set.filter((c) => !touch.has(c));
  const cols = table.columns.map(ident).join(', ');
  const conflict = compared.length
    ? `DO UPDATE SET ${set.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ')}
       WHERE (${compared.map((c) => `t.${ident(c)}`).join(', ')}) IS DISTINCT FROM (${compared.map((c) => `EXCLUDED.${ident(c)}`).join(', ')})`
    : 'DO NOTHING';
  const keys = table.key.map((c, i) => `t.${ident(c)}::text AS k${i}`).join(', ');
  return `INSERT INTO ${target} AS t (${cols}) SELECT ${cols} FROM ${stage}
    ON CONFLICT (${table.key.map(ident).join(', ')}) ${conflict}
    RETURNING (t.xmax = 0) AS inserted, ${keys}`;
}

function dedupeByKey(rows: Cell[][], keyIdx: number[]): Cell[][] {
  const byKey = new Map<string, Cell[]>();
  for (const row of rows) byKey.set(JSON.stringify(keyIdx.map((i) => row[i] ?? null)), row);
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

type Encoder = (cell: Cell) => Cell;
const asIs: Encoder = (cell) => cell;
/** jsonb / json: objects and arrays as JSON text; a string is taken to be JSON text already. */
const asJson: Encoder = (cell) =>
  cell === null || typeof cell === 'string' ? cell : JSON.stringify(cell instanceof Date ? cell.toISOString() : cell);
/** Array columns: a JS array as an array literal; a string is taken to be a literal already. */
const asArray: Encoder = (cell) => (Array.isArray(cell) ? arrayLiteral(cell as (string | number | boolean | null)[]) : cell);

/** How each fed column's cells are written, from the table's column types (one catalog query). */
async function cellEncoders(client: pg.PoolClient, schema: string, table: FeedTable): Promise<Encoder[]> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [`${ident(schema)}.${ident(table.name)}`],
  );
  const types = new Map(rows.map((r) => [r.name, r.type]));
  return table.columns.map((c) => {
    const type = types.get(c);
    if (type === undefined) throw new Error(`feed table ${schema}.${table.name} has no column ${c}`);
    if (type === 'jsonb' || type === 'json') return asJson;
    if (type.endsWith('[]')) return asArray;
    return asIs;
  });
}
