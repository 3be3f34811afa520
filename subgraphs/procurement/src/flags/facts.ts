import type pg from 'pg';
import type { ProcurementFacts } from '../rules/facts.js';
import { TABLES, type Table } from '../tables.js';
import { ident } from '#platform/db/bulk.js';

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The rules' columns of a table: its own (tables.ts) but the derived key and the bookkeeping release date. */
const factColumns = (table: Table): readonly string[] => TABLES[table].filter((c) => c !== 'key' && c !== 'release_date');

/** Each table as the rules read it; numeric columns come back as JavaScript numbers. */
const FACT_TABLES = {
  tenders: { table: 'tender', numeric: ['budget'], columns: factColumns('tender') },
  lots: { table: 'lot', numeric: ['value'], columns: factColumns('lot') },
  bids: { table: 'bid', numeric: ['amount'], columns: factColumns('bid') },
  committeeMembers: { table: 'committee_member', numeric: [], columns: factColumns('committee_member') },
  awards: { table: 'award', numeric: ['value'], columns: factColumns('award') },
  contracts: { table: 'contract', numeric: ['value'], columns: factColumns('contract') },
  parties: { table: 'party', numeric: [], columns: factColumns('party') },
  orderLines: {
    table: 'purchase_order_line',
    numeric: ['quantity', 'unit_price', 'amount', 'listed_price'],
    columns: factColumns('purchase_order_line'),
  },
  vbpAgreements: { table: 'vbp_agreement', numeric: ['agreed_quantity'], columns: factColumns('vbp_agreement') },
  sanctions: { table: 'supplier_sanction', numeric: [], columns: factColumns('supplier_sanction') },
} as const;

function select(schema: string, spec: { table: string; numeric: readonly string[]; columns: readonly string[] }, alias = 'x'): string {
  const cols = spec.columns.map((c) => `${alias}.${c}${spec.numeric.includes(c) ? '::float8' : ''} AS "${camel(c)}"`);
  return `SELECT ${cols.join(', ')} FROM ${ident(schema)}.${spec.table} ${alias}`;
}

/**
 * The facts of one evaluation: a region subtree's processes whose month is in `months` (the year
 * evaluated and the one before it, for the 365-day look-backs), everything hung on those processes,
 * the region's purchase lines and 集采 agreements of those months, and every known sanction.
 * One statement per table, whatever the volume.
 */
export async function loadFacts(
  pool: pg.Pool,
  schema: string,
  opts: { regionPrefix: string; months: string[]; asOf: Date },
): Promise<ProcurementFacts> {
  const s = ident(schema);
  const inScope = `region_code LIKE $1 AND month = ANY($2::text[])`;
  const params = [`${opts.regionPrefix}%`, opts.months];
  const processes = `(SELECT ocid FROM ${s}.tender WHERE ${inScope})`;
  const q = async <T>(sql: string, values: unknown[] = params) => (await pool.query(sql, values)).rows as T[];
  const years = [...new Set(opts.months.map((m) => Number(m.slice(0, 4))))];
  // One after another: the embedded database (PGlite) holds each answer in its own memory, which never shrinks.
  const [tenders, lots, bids, committeeMembers, awards, contracts, parties, orderLines, vbpAgreements, sanctions] = await sequence([
    () => q<ProcurementFacts['tenders'][number]>(`${select(schema, FACT_TABLES.tenders)} WHERE x.${inScope.replace(' AND ', ' AND x.')}`),
    () => q<ProcurementFacts['lots'][number]>(`${select(schema, FACT_TABLES.lots)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['bids'][number]>(`${select(schema, FACT_TABLES.bids)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['committeeMembers'][number]>(`${select(schema, FACT_TABLES.committeeMembers)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['awards'][number]>(`${select(schema, FACT_TABLES.awards)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['contracts'][number]>(`${select(schema, FACT_TABLES.contracts)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['parties'][number]>(`${select(schema, FACT_TABLES.parties)} WHERE x.ocid IN ${processes}`),
    () =>
      q<ProcurementFacts['orderLines'][number]>(`${select(schema, FACT_TABLES.orderLines)} WHERE x.${inScope.replace(' AND ', ' AND x.')}`),
    () =>
      q<ProcurementFacts['vbpAgreements'][number]>(
        `${select(schema, FACT_TABLES.vbpAgreements)} WHERE x.region_code LIKE $1 AND x.year = ANY($2::int[])`,
        [params[0], years],
      ),
    () => q<ProcurementFacts['sanctions'][number]>(select(schema, FACT_TABLES.sanctions), []),
  ]);
  return { tenders, lots, bids, committeeMembers, awards, contracts, parties, orderLines, vbpAgreements, sanctions, asOf: opts.asOf };
}

/** Run the thunks one at a time, in order. */
async function sequence<T extends unknown[]>(thunks: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const out: unknown[] = [];
  for (const thunk of thunks) out.push(await thunk());
  return out as T;
}
