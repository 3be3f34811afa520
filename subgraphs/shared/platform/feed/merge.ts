import type pg from 'pg';
import { arrayLiteral, cellText, copyRows, ident, insertRows, type BulkMethod, type Cell } from '../db/bulk.js';
import type { FeedTable, MergeCounts } from './types.js';

let stages = 0;

/**
 * Upsert `rows` (cells in `table.columns` order) into `schema.table` by its natural key, inside the
 * caller's transaction. On PostgreSQL the rows whose key is not stored yet — all of them, on a first
 * load — are COPYed straight into the table (under a savepoint: should a concurrent run store one of the
 * keys first, they all take the staged path instead). The others go to a temporary staging table (COPY,
 * or multi-row INSERTs on PGlite — bulk.ts), then one INSERT … ON CONFLICT DO UPDATE … WHERE IS
 * DISTINCT FROM moves them, so a row equal to the stored one is not rewritten (no new tuple, no trigger,
 * no WAL). Rows repeating a key within the batch: the last wins (ON CONFLICT may not touch a row twice).
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
  const columns = await fedColumns(client, schema, table);
  const encoders = columns.map((c) => c.encode);
  const keyIdx = table.columns.map((c, i) => (table.key.includes(c) ? i : -1)).filter((i) => i >= 0);
  const unique = dedupeByKey(
    rows.map((row) => row.map((cell, i) => encoders[i]!(cell))),
    keyIdx,
  );
  let staged = unique;
  let inserted = 0;
  const changedKeys: string[][] = [];
  const keyColumns = keyIdx.map((i) => columns[i]!);
  if (method === 'copy' && keyColumns.every((c) => DIRECT_KEY_TYPE.test(c.type))) {
    const stored = await storedOrdinals(client, schema, table, keyColumns, keyIdx, unique);
    const fresh = unique.filter((_, i) => !stored.has(i + 1));
    if (fresh.length && (await copyFresh(client, schema, table, fresh))) {
      staged = unique.filter((_, i) => stored.has(i + 1));
      inserted = fresh.length;
      for (const row of fresh) changedKeys.push(keyIdx.map((i) => keyCellText(row[i] ?? null)));
    }
  }
  const merged = await mergeStaged(client, schema, table, columns, staged, method);
  inserted += merged.inserted;
  changedKeys.push(...merged.changedKeys);
  const updated = merged.changedKeys.length - merged.inserted;
  return { inserted, updated, unchanged: rows.length - inserted - updated, changedKeys };
}

/**
 * Key columns whose text PostgreSQL renders as JavaScript would (String(cell)), so a key COPYed straight
 * in reports the same changed key as one merged (RETURNING key::text). Other keys always merge staged.
 */
const DIRECT_KEY_TYPE = /^(text|character varying(\(\d+\))?|integer|bigint|smallint)$/;

/** A key cell as text (a DIRECT_KEY_TYPE column's as PostgreSQL renders it: text or a number). */
const keyCellText = (cell: Cell): string => (typeof cell === 'object' && cell !== null ? cellText(cell) : String(cell));

let savepoints = 0;

/** The 1-based positions in `rows` of those whose key is stored already (one statement). */
async function storedOrdinals(
  client: pg.PoolClient,
  schema: string,
  table: FeedTable,
  keyColumns: FedColumn[],
  keyIdx: number[],
  rows: Cell[][],
): Promise<Set<number>> {
  const arrays = keyIdx.map((i) => rows.map((row) => row[i] ?? null));
  const unnest = keyColumns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const names = keyColumns.map((_, i) => `k${i}`).join(', ');
  const on = keyColumns.map((c, i) => `t.${ident(c.name)} = u.k${i}`).join(' AND ');
  // LATERAL … LIMIT 1: one index probe per key, whatever the table's size (a join could scan it all)
  const { rows: found } = await client.query<{ n: string }>(
    `SELECT u.n FROM unnest(${unnest}) WITH ORDINALITY AS u(${names}, n)
     CROSS JOIN LATERAL (SELECT 1 FROM ${ident(schema)}.${ident(table.name)} t WHERE ${on} LIMIT 1) AS stored`,
    arrays,
  );
  return new Set(found.map((r) => Number(r.n)));
}

/** COPY rows of new keys into the table; false (and nothing written) when a key turned out to be taken. */
async function copyFresh(client: pg.PoolClient, schema: string, table: FeedTable, rows: Cell[][]): Promise<boolean> {
  const savepoint = `feed_direct_${++savepoints}`;
  await client.query(`SAVEPOINT ${savepoint}`);
  try {
    await copyRows(client, { schema, table: table.name, columns: table.columns }, rows);
    await client.query(`RELEASE SAVEPOINT ${savepoint}`);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    return false;
  }
}

const UNIQUE_VIOLATION = '23505';

/** The staged merge of `rows`: inserted and updated ones with their keys (RETURNING). */
async function mergeStaged(
  client: pg.PoolClient,
  schema: string,
  table: FeedTable,
  columns: FedColumn[],
  rows: Cell[][],
  method: BulkMethod,
): Promise<{ inserted: number; changedKeys: string[][] }> {
  if (rows.length === 0) return { inserted: 0, changedKeys: [] };
  const target = `${ident(schema)}.${ident(table.name)}`;
  // Only the fed columns, no constraints: the target's defaults fill the others on the way in. A column
  // compressed otherwise than the default (lz4) is staged so too: INSERT … SELECT then moves its values as
  // they are, compressed once.
  const stage = `feed_stage_${++stages}`;
  const cols = table.columns.map(ident).join(', ');
  await client.query(`CREATE TEMP TABLE ${ident(stage)} ON COMMIT DROP AS SELECT ${cols} FROM ${target} WITH NO DATA`);
  const compressed = columns.filter((c) => c.compression);
  if (compressed.length)
    await client.query(
      `ALTER TABLE pg_temp.${ident(stage)} ${compressed.map((c) => `ALTER COLUMN ${ident(c.name)} SET COMPRESSION ${c.compression}`).join(', ')}`,
    );
  const stageTarget = { schema: 'pg_temp', table: stage, columns: table.columns };
  if (method === 'copy') await copyRows(client, stageTarget, rows);
  else await insertRows(client, stageTarget, rows);
  const asJsonb = new Set(columns.filter((c) => c.json).map((c) => c.name));
  const result = await client.query<Record<string, string | boolean>>(mergeSql(target, `pg_temp.${ident(stage)}`, table, asJsonb));
  await client.query(`DROP TABLE pg_temp.${ident(stage)}`);
  let inserted = 0;
  const changedKeys = result.rows.map((r) => {
    if (r.inserted === true) inserted += 1;
    return table.key.map((_, i) => r[`k${i}`] as string);
  });
  return { inserted, changedKeys };
}

/**
 * The merge statement: set every column but the key and the insert-only ones; compare all but `touch`.
 * Columns in `comparedAsJsonb` (type json, kept as its text, which has no equality) are compared as jsonb:
 * by meaning, so a value re-sent with other spacing or key order is unchanged. Parsed on a conflict only.
 */
export function mergeSql(target: string, stage: string, table: FeedTable, comparedAsJsonb: ReadonlySet<string> = new Set()): string {
  const skip = new Set([...table.key, ...(table.insertOnly ?? [])]);
  const set = table.columns.filter((c) => !skip.has(c));
  const touch = new Set(table.touch ?? []);
  const compared = set.filter((c) => !touch.has(c));
  const cols = table.columns.map(ident).join(', ');
  const side = (alias: string) => compared.map((c) => `${alias}.${ident(c)}${comparedAsJsonb.has(c) ? '::jsonb' : ''}`).join(', ');
  const conflict = compared.length
    ? `DO UPDATE SET ${set.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ')}
       WHERE (${side('t')}) IS DISTINCT FROM (${side('EXCLUDED')})`
    : 'DO NOTHING';
  const keys = table.key.map((c, i) => `t.${ident(c)}::text AS k${i}`).join(', ');
  return `INSERT INTO ${target} AS t (${cols}) SELECT ${cols} FROM ${stage}
    ON CONFLICT (${table.key.map(ident).join(', ')}) ${conflict}
    RETURNING (t.xmax = 0) AS inserted, ${keys}`;
}

/** Key cells are scalars (text, numbers, dates); \u0000 cannot be in PostgreSQL text, so it separates them. */
function keyOf(row: Cell[], keyIdx: number[]): string {
  let key = '';
  for (const i of keyIdx) {
    const cell = row[i] ?? null;
    key += `${cell === null ? '\u0001' : keyCellText(cell)}\u0000`;
  }
  return key;
}

function dedupeByKey(rows: Cell[][], keyIdx: number[]): Cell[][] {
  const byKey = new Map<string, Cell[]>();
  for (const row of rows) byKey.set(keyOf(row, keyIdx), row);
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

type Encoder = (cell: Cell) => Cell;
const asIs: Encoder = (cell) => cell;
/** jsonb / json: objects and arrays as JSON text; a string is taken to be JSON text already. */
const asJson: Encoder = (cell) =>
  cell === null || typeof cell === 'string' ? cell : JSON.stringify(cell instanceof Date ? cell.toISOString() : cell);
/** Array columns: a JS array as an array literal; a string is taken to be a literal already. */
const asArray: Encoder = (cell) => (Array.isArray(cell) ? arrayLiteral(cell as (string | number | boolean | null)[]) : cell);

interface FedColumn {
  name: string;
  /** format_type: e.g. `character varying(64)`, `integer`. */
  type: string;
  encode: Encoder;
  /** json (not jsonb): compared as jsonb. */
  json: boolean;
  /** A compression method other than the default, e.g. `lz4`. */
  compression: string | null;
}

const COMPRESSION: Record<string, string> = { l: 'lz4', p: 'pglz' };

/** How each fed column's cells are written and compared, from the table's catalog (one query). */
async function fedColumns(client: pg.PoolClient, schema: string, table: FeedTable): Promise<FedColumn[]> {
  const { rows } = await client.query<{ name: string; type: string; compression: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attcompression::text AS compression FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [`${ident(schema)}.${ident(table.name)}`],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  return table.columns.map((name) => {
    const column = byName.get(name);
    if (column === undefined) throw new Error(`feed table ${schema}.${table.name} has no column ${name}`);
    const { type } = column;
    const encode = type === 'jsonb' || type === 'json' ? asJson : type.endsWith('[]') ? asArray : asIs;
    return { name, type, encode, json: type === 'json', compression: COMPRESSION[column.compression] ?? null };
  });
}
