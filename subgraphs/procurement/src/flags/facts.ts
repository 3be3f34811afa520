import type pg from 'pg';
import type { ProcurementFacts } from '../rules/facts.js';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Each table's columns as the rules read them; numeric columns come back as JavaScript numbers. */
const TABLES = {
  tenders: {
    table: 'tender',
    numeric: ['budget'],
    columns: [
      'ocid',
      'hospital_code',
      'region_code',
      'title',
      'category',
      'method',
      'ocds_method',
      'method_details',
      'award_criteria',
      'budget',
      'currency',
      'status',
      'classification',
      'tender_start',
      'tender_end',
      'bid_opening',
      'award_date',
      'contract_date',
      'number_of_tenderers',
      'month',
    ],
  },
  lots: { table: 'lot', numeric: ['value'], columns: ['ocid', 'lot_id', 'title', 'value', 'status'] },
  bids: {
    table: 'bid',
    numeric: ['amount'],
    columns: [
      'ocid',
      'bid_id',
      'hospital_code',
      'region_code',
      'lot_id',
      'tenderer_usccs',
      'amount',
      'currency',
      'received_at',
      'status',
      'disqualify_reason',
      'month',
    ],
  },
  committeeMembers: {
    table: 'committee_member',
    numeric: [],
    columns: ['ocid', 'member_id', 'hospital_code', 'region_code', 'staff_id', 'expert_name', 'role'],
  },
  awards: {
    table: 'award',
    numeric: ['value'],
    columns: [
      'ocid',
      'award_id',
      'hospital_code',
      'region_code',
      'lot_id',
      'supplier_usccs',
      'value',
      'currency',
      'date',
      'status',
      'related_bids',
      'supplier_registered_on',
      'month',
    ],
  },
  contracts: {
    table: 'contract',
    numeric: ['value'],
    columns: [
      'ocid',
      'contract_id',
      'hospital_code',
      'region_code',
      'award_id',
      'value',
      'currency',
      'date_signed',
      'status',
      'amendments',
    ],
  },
  parties: {
    table: 'party',
    numeric: [],
    columns: ['ocid', 'party_id', 'name', 'roles', 'uscc', 'address', 'contact_name', 'telephone', 'email'],
  },
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
    () => q<ProcurementFacts['tenders'][number]>(`${select(schema, TABLES.tenders)} WHERE x.${inScope.replace(' AND ', ' AND x.')}`),
    () => q<ProcurementFacts['lots'][number]>(`${select(schema, TABLES.lots)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['bids'][number]>(`${select(schema, TABLES.bids)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['committeeMembers'][number]>(`${select(schema, TABLES.committeeMembers)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['awards'][number]>(`${select(schema, TABLES.awards)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['contracts'][number]>(`${select(schema, TABLES.contracts)} WHERE x.ocid IN ${processes}`),
    () => q<ProcurementFacts['parties'][number]>(`${select(schema, TABLES.parties)} WHERE x.ocid IN ${processes}`),
    () =>
      q<ProcurementFacts['orderLines'][number]>(
        `SELECT order_no AS "orderNo", line_no AS "lineNo", hospital_code AS "hospitalCode", region_code AS "regionCode",
              product_code AS "productCode", product_kind AS "productKind", generic_group AS "genericGroup", supplier_uscc AS "supplierUscc",
              manufacturer_uscc AS "manufacturerUscc", quantity::float8 AS quantity, unit_price::float8 AS "unitPrice", amount::float8 AS amount,
              ordered_at AS "orderedAt", vbp_selected AS "vbpSelected", listed_price::float8 AS "listedPrice", invoices, month
       FROM ${s}.purchase_order_line WHERE ${inScope}`,
      ),
    () =>
      q<ProcurementFacts['vbpAgreements'][number]>(
        `SELECT hospital_code AS "hospitalCode", region_code AS "regionCode", generic_group AS "genericGroup", year,
              agreed_quantity::float8 AS "agreedQuantity"
       FROM ${s}.vbp_agreement WHERE region_code LIKE $1 AND year = ANY($2::int[])`,
        [params[0], years],
      ),
    () =>
      q<ProcurementFacts['sanctions'][number]>(
        `SELECT supplier_uscc AS "supplierUscc", kind, valid_from AS "validFrom", valid_to AS "validTo", source, reference FROM ${s}.supplier_sanction`,
        [],
      ),
  ]);
  return { tenders, lots, bids, committeeMembers, awards, contracts, parties, orderLines, vbpAgreements, sanctions, asOf: opts.asOf };
}

/** Run the thunks one at a time, in order. */
async function sequence<T extends unknown[]>(thunks: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const out: unknown[] = [];
  for (const thunk of thunks) out.push(await thunk());
  return out as T;
}
