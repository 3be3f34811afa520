/**
 * The "Batching" figures of `npm run bench` (docs/benchmarks.md): statements and latency of the
 * directory's batched reads, measured on the directory subgraph directly (no gateway in between).
 *   - `_entities` with 1,000 Hospital representations (on the city seed);
 *   - nested lists: 500 hospitals with their first 5 staff each (on the province seed: 1,200
 *     hospitals, 600,000 staff), without and with `totalCount`; and the two statement shapes the
 *     nested loader could use for that page (#platform/loaders.js), as SQL alone.
 */
import type pg from 'pg';
import { gql } from '#testing/graphql.js';

export const BATCHING_SECTION = 'bench:batching';

interface Target {
  url: string;
  headers: Record<string, string>;
  db: { pool: pg.Pool; stats: { statements: number } };
}

export interface Timed {
  statements: number;
  /** Median of the timed runs. */
  ms: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One warm-up, then `runs` timed requests: the statements of one and the median latency; `check` refuses a wrong answer. */
async function timedQuery<T>(
  target: Target,
  query: string,
  variables: Record<string, unknown> | undefined,
  check: (data: T | null | undefined) => boolean,
  runs = 5,
): Promise<Timed> {
  const times: number[] = [];
  let statements = 0;
  for (let i = 0; i <= runs; i++) {
    const before = target.db.stats.statements;
    const started = performance.now();
    const res = await gql<T>(target.url, query, variables, target.headers);
    const ms = performance.now() - started;
    if (!check(res.body.data)) throw new Error(`batching bench: wrong answer to ${query.slice(0, 80)}…: ${res.text.slice(0, 300)}`);
    if (i === 0) continue;
    times.push(ms);
    statements = target.db.stats.statements - before;
  }
  return { statements, ms: median(times) };
}

/** `_entities` with 1,000 Hospital representations (the codes repeat when there are fewer hospitals). */
export async function measureEntities(target: Target): Promise<Timed> {
  const codes = (await target.db.pool.query<{ code: string }>('SELECT code FROM directory.hospital ORDER BY code')).rows.map((r) => r.code);
  const reps = Array.from({ length: 1000 }, (_, i) => ({ __typename: 'Hospital', code: codes[i % codes.length] }));
  return timedQuery<{ _entities: unknown[] }>(
    target,
    'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Hospital { code name level } } }',
    { r: reps },
    (d) => d?._entities.length === 1000,
  );
}

export interface NestedFigures {
  hospitals: number;
  staff: number;
  pages: Timed;
  withCount: Timed;
  /** The staff pages alone, as SQL: the loader's LATERAL join vs ROW_NUMBER() OVER (PARTITION BY hospital). */
  sql: { lateral: number; rowNumber: number };
}

const NESTED = '{ hospitals(first: 500) { nodes { code staff(first: 5) { nodes { id name role } } } } }';
type Nested = { hospitals: { nodes: { staff: { totalCount?: number; nodes: unknown[] } }[] } };
const fivePerHospital = (d: Nested | null | undefined) =>
  d?.hospitals.nodes.length === 500 && d.hospitals.nodes.every((h) => h.staff.nodes.length === 5);

export async function measureNested(target: Target): Promise<NestedFigures> {
  const pool = target.db.pool;
  const pages = await timedQuery<Nested>(target, NESTED, undefined, fivePerHospital);
  const withCount = await timedQuery<Nested>(
    target,
    NESTED.replace('staff(first: 5) {', 'staff(first: 5) { totalCount'),
    undefined,
    (d) => fivePerHospital(d) && d!.hospitals.nodes.every((h) => (h.staff.totalCount ?? 0) >= 5),
  );
  // The same 500 hospitals' first 5 staff (+1 for hasNextPage), the two ways one statement can page many parents.
  const codes = (await pool.query<{ code: string }>('SELECT code FROM directory.hospital ORDER BY code LIMIT 500')).rows.map((r) => r.code);
  const lateral = `SELECT p.ord, c.* FROM unnest($1::bpchar[]) WITH ORDINALITY AS p(parent, ord)
    CROSS JOIN LATERAL (SELECT s.* FROM directory.staff s WHERE s.hospital_code = p.parent ORDER BY s.id LIMIT 6) AS c ORDER BY p.ord, c.id`;
  const rowNumber = `SELECT * FROM (SELECT s.*, row_number() OVER (PARTITION BY s.hospital_code ORDER BY s.id) AS rn
    FROM directory.staff s WHERE s.hospital_code = ANY($1::bpchar[])) AS x WHERE rn <= 6 ORDER BY hospital_code, id`;
  const sqlMs = async (sql: string) => {
    const times: number[] = [];
    for (let i = 0; i <= 5; i++) {
      const started = performance.now();
      const { rowCount } = await pool.query(sql, [codes]);
      if (rowCount !== 3000) throw new Error(`batching bench: ${rowCount} rows, expected 3000`);
      if (i > 0) times.push(performance.now() - started);
    }
    return median(times);
  };
  const count = async (table: string) =>
    Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM directory.${table}`)).rows[0]!.n);
  return {
    hospitals: await count('hospital'),
    staff: await count('staff'),
    pages,
    withCount,
    sql: { lateral: await sqlMs(lateral), rowNumber: await sqlMs(rowNumber) },
  };
}

const fmt = (n: number) => n.toFixed(1);
const thousands = (n: number) => n.toLocaleString('en-US');

export function batchingMarkdown(entities: Timed, nested: NestedFigures): string {
  return `## Batching

Measured on the directory subgraph directly, as a province supervisor; latency is the median of 5 requests after one warm-up.

| figure | value | target |
|---|---|---|
| \`_entities\` with 1,000 \`Hospital\` representations: SQL statements | **${entities.statements}** | ≤ 2 |
| same, one request's latency | ${fmt(entities.ms)} ms | — |
| 500 hospitals with their first 5 staff each (\`hospitals(first: 500) { nodes { staff(first: 5) { … } } }\`, province seed: ${thousands(nested.hospitals)} hospitals, ${thousands(nested.staff)} staff): SQL statements | **${nested.pages.statements}** | ≤ 3 |
| same, one request's latency | ${fmt(nested.pages.ms)} ms | — |
| same with \`totalCount\` of each hospital's staff: SQL statements | ${nested.withCount.statements} | — |
| same, one request's latency | ${fmt(nested.withCount.ms)} ms | — |
| the 500 staff pages alone in SQL (3,000 rows): a LATERAL join over the hospitals (the nested loader's shape) / \`ROW_NUMBER() OVER (PARTITION BY hospital_code)\` | ${fmt(nested.sql.lateral)} ms / ${fmt(nested.sql.rowNumber)} ms | — |

The nested lists (\`Hospital.staff\`, \`Department.staff\`, \`Region.hospitals\`, \`Supplier.products\`) are read by
\`nestedConnections\` (subgraphs/shared/platform/loaders.ts): one statement for the pages of every parent of a batch, each
parent with its own cursor, and one more (\`GROUP BY\` parent) only when \`totalCount\` is asked for. It is a LATERAL join:
for each parent, one range of the (parent column, key) index read only as far as the page goes. \`ROW_NUMBER()\` would read
and sort every child of every parent of the batch before keeping the first few (here every staff member of 500
hospitals), which is what the last row compares.`;
}
