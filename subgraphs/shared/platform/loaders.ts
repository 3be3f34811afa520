/**
 * Loader helpers every subgraph batches with: DataLoader results in key order (`byKey`, `groupBy`,
 * `counts`), and nested connections — a page of children for each of many parents (a hospital's staff,
 * a region's hospitals, later a hospital's tenders or a staff member's visits) in one SQL statement per
 * batch, instead of one per parent.
 */
import DataLoader from 'dataloader';
import { modelMap, type ModelInfo, type ModelMap } from './db/model-map.js';
import { quoteIdent, SqlExpression, WhereCompiler } from './db/where-sql.js';
import { afterKey, keyText, toConnection, type Connection, type KeysetOrder, type Page } from './pagination.js';

/** Same order and length as the keys; null for a missing key (graphql/dataloader contract). */
export const byKey = <K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] => {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
};

/** Rows of each key, in the keys' order; an empty list for a key without rows. */
export const groupBy = <K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] => {
  const map = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key) ?? []);
};

/** Counts in the keys' order; 0 for a key without rows. */
export const counts = <K>(keys: readonly K[], rows: Map<K, number>): number[] => keys.map((key) => rows.get(key) ?? 0);

/** Batches larger than this are split, so one statement's parameter list stays reasonable. */
export const batchOptions = { maxBatchSize: 5_000 };

/** What the nested loader needs of a subgraph's database: its generated Prisma client and schema (a platform Db). */
export interface SqlDb {
  client: object & { $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T> };
  schema: string;
}

export interface NestedConnectionSpec<W> extends KeysetOrder {
  /** The child model (Prisma's name), e.g. 'Staff'. */
  model: string;
  /**
   * The children of one parent, as a where-input of the child model given the parent's key:
   * `(hospitalCode) => ({ hospitalCode })`, or any other condition on it (a region's subtree).
   */
  parent: (key: string) => W;
}

export interface NestedConnections<T, W> {
  /**
   * One parent's page of children matching `where` (the filter and the caller's row scope, as the
   * root list gives Prisma), in the spec's keyset order from the page's own cursor. Loads in the same
   * tick share one statement per distinct (where, page size); `totalCount` is one more per batch,
   * only when asked for.
   */
  load(parent: string, where: W, page: Page): Promise<Connection<T>>;
}

interface PageRequest<W> {
  parent: string;
  where: W;
  whereKey: string;
  first: number;
  take: number;
  /** The cursor's key value, validated; null on a first page. */
  after: unknown;
}

/**
 * Nested connections of one child model. Per request (the loaders' caches must not outlive one
 * caller's request). The statement is a LATERAL join over the batch's (parent, after) pairs:
 *
 *   SELECT p.ord, c.* FROM unnest($parents, $afters) WITH ORDINALITY AS p(parent, after, ord)
 *   CROSS JOIN LATERAL (SELECT … FROM child WHERE <parent match> AND <where> AND key > p.after
 *                       ORDER BY key LIMIT first + 1) AS c
 *
 * Each parent is an index range scan that stops after `first + 1` rows (with an index on
 * (parent column, key)); ROW_NUMBER() OVER (PARTITION BY parent) would read and sort every child of
 * every parent first (docs/benchmarks.md, "Batching"). Rows come back as the model's objects:
 * columns aliased to the fields of the client's runtime data model, values typed by Prisma's raw
 * query deserialisation (Date, Decimal, BigInt).
 */
export function nestedConnections<T, W extends object>(db: SqlDb, spec: NestedConnectionSpec<W>): NestedConnections<T, W> {
  const models = modelMap(db.client, db.schema);
  const model = models.model(spec.model);
  const key = model.scalars.get(spec.key);
  if (!key?.unique) throw new Error(`nestedConnections: ${spec.model}.${spec.key} is not a unique field (a keyset order needs one)`);
  const keyOf = (row: T) => keyText((row as Record<string, unknown>)[spec.key]);

  const pages = new DataLoader<PageRequest<W>, T[], string>(
    perGroup(
      (r) => `${r.whereKey}\0${r.first}`,
      (group) => selectPages<T, W>(db, models, model, spec, group),
    ),
    { ...batchOptions, cacheKeyFn: (r) => `${r.whereKey}\0${r.first}\0${r.parent}\0${r.after === null ? '' : keyText(r.after)}` },
  );
  const totals = new DataLoader<Pick<PageRequest<W>, 'parent' | 'where' | 'whereKey'>, number, string>(
    perGroup(
      (r) => r.whereKey,
      (group) => countPerParent(db, models, model, spec, group),
    ),
    { ...batchOptions, cacheKeyFn: (r) => `${r.whereKey}\0${r.parent}` },
  );

  return {
    async load(parent, where, page) {
      // Validated before it joins a batch: a bad cursor fails its own field, not the batch's.
      const after = afterKey(spec, page);
      const whereKey = stableKey(where);
      const rows = page.first === 0 ? [] : await pages.load({ parent, where, whereKey, first: page.first, take: page.take, after });
      return toConnection(rows, page, keyOf, () => totals.load({ parent, where, whereKey }));
    },
  };
}

/** A batch function that runs one statement per group of a batch's requests (`groupOf`), each answering its group in order. */
function perGroup<R, V>(groupOf: (r: R) => string, run: (group: R[]) => Promise<V[]>) {
  return async (requests: readonly R[]): Promise<V[]> => {
    const byGroup = new Map<string, number[]>();
    requests.forEach((r, i) => {
      const group = byGroup.get(groupOf(r));
      if (group) group.push(i);
      else byGroup.set(groupOf(r), [i]);
    });
    const results = new Array<V>(requests.length);
    await Promise.all(
      [...byGroup.values()].map(async (indexes) => {
        const values = await run(indexes.map((i) => requests[i]!));
        indexes.forEach((i, n) => (results[i] = values[n]!));
      }),
    );
    return results;
  };
}

/** The same where-input gives the same text (bigint and Date values included): requests with equal ones share a statement. */
const stableKey = (where: object): string => JSON.stringify(where, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Parameter arrays go as text and are typed by PostgreSQL (see `typed` below), so values become their text. */
const asText = (v: unknown): string | null => (v === null || v === undefined ? null : keyText(v));

/**
 * The child table's alias and the condition "child of parent `p.parent`, matching the where-input";
 * the parent key is typed by the column it is compared with, if any.
 */
function childCondition<W extends object>(compiler: WhereCompiler, spec: NestedConnectionSpec<W>, where: W) {
  const alias = compiler.alias();
  const parent = new SqlExpression('p.parent');
  const cond = `${compiler.where(spec.model, alias, spec.parent(parent as unknown as string))} AND ${compiler.where(spec.model, alias, where)}`;
  return { alias: quoteIdent(alias), cond, parentType: compiler.typeOf(parent) };
}

/**
 * An array parameter whose element type PostgreSQL infers from a typed NULL (`COALESCE($n,
 * ARRAY[(NULL::table).column])` is never NULL, and gives $n the column's array type), or text.
 */
const typed = (param: string, typedNull: string | undefined) =>
  typedNull ? `COALESCE(${param}, ARRAY[${typedNull}])` : `${param}::text[]`;

const selectList = (model: ModelInfo, alias: string) =>
  [...model.scalars.values()]
    .map((f) => {
      const col = `${alias}.${quoteIdent(f.column)}`;
      // Enums as text, as Prisma reads them (an enum array would otherwise come back unparsed).
      const value = f.kind === 'enum' ? `${col}::text${f.list ? '[]' : ''}` : col;
      return `${value} AS ${quoteIdent(f.name)}`;
    })
    .join(', ');

// `__ord` cannot collide with a field: Prisma field names start with a letter.
const ORD = '__ord';

async function selectPages<T, W extends object>(
  db: SqlDb,
  models: ModelMap,
  model: ModelInfo,
  spec: NestedConnectionSpec<W>,
  requests: PageRequest<W>[],
): Promise<T[][]> {
  const compiler = new WhereCompiler(models);
  const { alias, cond, parentType } = childCondition(compiler, spec, requests[0]!.where);
  const key = model.scalars.get(spec.key)!;
  const keyCol = `${alias}.${quoteIdent(key.column)}`;
  const direction = spec.direction === 'desc' ? 'DESC' : 'ASC';
  const parents = typed(compiler.param(requests.map((r) => r.parent)), parentType);
  // A first page for every parent (the usual batch) needs no after at all; a cursor for every
  // parent stays an index condition; a mix needs the OR.
  const withAfter = requests.filter((r) => r.after !== null).length;
  const afters = withAfter ? `, ${typed(compiler.param(requests.map((r) => asText(r.after))), compiler.typedNull(model, key))}` : '';
  const after = `${keyCol} ${direction === 'ASC' ? '>' : '<'} p.after`;
  const afterCond = withAfter === 0 ? '' : withAfter === requests.length ? ` AND ${after}` : ` AND (p.after IS NULL OR ${after})`;
  const limit = compiler.param(requests[0]!.take);
  const sql =
    `SELECT p.ord::int AS ${ORD}, c.* FROM unnest(${parents}${afters}) WITH ORDINALITY AS p(parent${withAfter ? ', after' : ''}, ord) ` +
    `CROSS JOIN LATERAL (SELECT ${selectList(model, alias)} FROM ${compiler.table(model)} AS ${alias} WHERE ${cond}${afterCond} ` +
    `ORDER BY ${keyCol} ${direction} LIMIT ${limit}) AS c ORDER BY p.ord, c.${quoteIdent(key.name)} ${direction}`;
  const rows = await db.client.$queryRawUnsafe<(Record<string, unknown> & { [ORD]: number })[]>(sql, ...compiler.params);
  const out = requests.map((): T[] => []);
  for (const { [ORD]: ord, ...row } of rows) out[ord - 1]!.push(row as T);
  return out;
}

async function countPerParent<W extends object>(
  db: SqlDb,
  models: ModelMap,
  model: ModelInfo,
  spec: NestedConnectionSpec<W>,
  requests: { parent: string; where: W }[],
): Promise<number[]> {
  const compiler = new WhereCompiler(models);
  const { alias, cond, parentType } = childCondition(compiler, spec, requests[0]!.where);
  const parents = typed(compiler.param(requests.map((r) => r.parent)), parentType);
  const sql =
    `SELECT p.ord::int AS ${ORD}, count(*)::int AS n FROM unnest(${parents}) WITH ORDINALITY AS p(parent, ord) ` +
    `JOIN ${compiler.table(model)} AS ${alias} ON ${cond} GROUP BY p.ord`;
  const rows = await db.client.$queryRawUnsafe<{ [ORD]: number; n: number }[]>(sql, ...compiler.params);
  const out = requests.map(() => 0);
  for (const r of rows) out[r[ORD] - 1] = r.n;
  return out;
}
