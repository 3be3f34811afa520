import type pg from 'pg';
import type { RowScope } from '#platform/access/scope.js';
import { hospitalPeriodLoader, rate, type HospitalPeriodKey, type MonthlyFigures } from '#platform/hospital-period.js';
import { addDecimals, ZERO_DECIMAL } from '#platform/decimal.js';

/** One hospital-month's sums (money as exact decimal text). */
export interface ProcurementMonth {
  tenders: number;
  openTenders: number;
  singleSource: number;
  bids: number;
  awards: number;
  flaggedTenders: number;
  flags: Record<string, number>;
  budgetTotal: string;
  awardedTotal: string;
  purchaseLines: number;
  purchaseTotal: string;
  vbpPurchaseTotal: string;
  vbpAgreedQuantity: string;
  vbpBoughtQuantity: string;
}

export interface ProcurementFiguresModel extends Omit<ProcurementMonth, 'flags' | 'openTenders' | 'singleSource'> {
  flaggedTenderRate: number | null;
  flags: { code: string; count: number; rate: number | null }[];
  openTenderRate: number | null;
  singleSourceRate: number | null;
  vbpShare: number | null;
  vbpCompletionRate: number | null;
  sufficient: boolean;
  minimumTenders: number;
}

const zero = (): ProcurementMonth => ({
  tenders: 0,
  openTenders: 0,
  singleSource: 0,
  bids: 0,
  awards: 0,
  flaggedTenders: 0,
  flags: {},
  budgetTotal: ZERO_DECIMAL,
  awardedTotal: ZERO_DECIMAL,
  purchaseLines: 0,
  purchaseTotal: ZERO_DECIMAL,
  vbpPurchaseTotal: ZERO_DECIMAL,
  vbpAgreedQuantity: ZERO_DECIMAL,
  vbpBoughtQuantity: ZERO_DECIMAL,
});

function add(a: ProcurementMonth, b: ProcurementMonth): ProcurementMonth {
  const flags = { ...a.flags };
  for (const [code, n] of Object.entries(b.flags)) flags[code] = (flags[code] ?? 0) + n;
  return {
    tenders: a.tenders + b.tenders,
    openTenders: a.openTenders + b.openTenders,
    singleSource: a.singleSource + b.singleSource,
    bids: a.bids + b.bids,
    awards: a.awards + b.awards,
    flaggedTenders: a.flaggedTenders + b.flaggedTenders,
    flags,
    budgetTotal: addDecimals(a.budgetTotal, b.budgetTotal),
    awardedTotal: addDecimals(a.awardedTotal, b.awardedTotal),
    purchaseLines: a.purchaseLines + b.purchaseLines,
    purchaseTotal: addDecimals(a.purchaseTotal, b.purchaseTotal),
    vbpPurchaseTotal: addDecimals(a.vbpPurchaseTotal, b.vbpPurchaseTotal),
    vbpAgreedQuantity: addDecimals(a.vbpAgreedQuantity, b.vbpAgreedQuantity),
    vbpBoughtQuantity: addDecimals(a.vbpBoughtQuantity, b.vbpBoughtQuantity),
  };
}

function finish(sum: ProcurementMonth, minimumTenders: number): ProcurementFiguresModel {
  const { openTenders, singleSource, flags, ...rest } = sum;
  return {
    ...rest,
    flaggedTenderRate: rate(sum.flaggedTenders, sum.tenders),
    flags: Object.entries(flags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, count]) => ({ code, count, rate: rate(count, sum.tenders) })),
    openTenderRate: rate(openTenders, sum.tenders),
    singleSourceRate: rate(singleSource, sum.tenders),
    vbpShare: Number(sum.purchaseTotal) > 0 ? Number(sum.vbpPurchaseTotal) / Number(sum.purchaseTotal) : null,
    vbpCompletionRate: Number(sum.vbpAgreedQuantity) > 0 ? Number(sum.vbpBoughtQuantity) / Number(sum.vbpAgreedQuantity) : null,
    sufficient: sum.tenders >= minimumTenders,
    minimumTenders,
  };
}

/**
 * Every figure of many hospital-months in ONE statement: each table aggregated by (hospital, month)
 * and the aggregates full-joined. A 集采 agreement is a year's: it (and what was bought of its
 * generic groups that year) counts in the year's last month, so a year, its Q4 and its December
 * carry it, and a year is still exactly the sum of its months.
 */
const monthsSql = (s: string) => `
WITH t AS (
  SELECT hospital_code AS h, month AS m, count(*)::int AS tenders,
         count(*) FILTER (WHERE method = 'OPEN_TENDERING')::int AS open_tenders,
         count(*) FILTER (WHERE method = 'SINGLE_SOURCE')::int AS single_source,
         coalesce(sum(budget), 0)::text AS budget
  FROM ${s}.tender WHERE hospital_code = ANY($1) AND month = ANY($2) AND region_code LIKE $3 GROUP BY 1, 2),
b AS (SELECT hospital_code AS h, month AS m, count(*)::int AS bids FROM ${s}.bid WHERE hospital_code = ANY($1) AND month = ANY($2) AND region_code LIKE $3 GROUP BY 1, 2),
a AS (
  SELECT hospital_code AS h, month AS m, count(*)::int AS awards, coalesce(sum(value), 0)::text AS awarded
  FROM ${s}.award WHERE hospital_code = ANY($1) AND month = ANY($2) AND region_code LIKE $3 GROUP BY 1, 2),
p AS (
  SELECT hospital_code AS h, month AS m, count(*)::int AS lines, sum(amount)::text AS total,
         coalesce(sum(amount) FILTER (WHERE vbp_selected), 0)::text AS vbp
  FROM ${s}.purchase_order_line WHERE hospital_code = ANY($1) AND month = ANY($2) AND region_code LIKE $3 GROUP BY 1, 2),
v AS (
  SELECT g.hospital_code AS h, g.year || '-12' AS m, sum(g.agreed_quantity)::text AS agreed, coalesce(sum(o.q), 0)::text AS bought
  FROM ${s}.vbp_agreement g
  LEFT JOIN (
    SELECT hospital_code, generic_group, substr(month, 1, 4)::int AS y, sum(quantity) AS q FROM ${s}.purchase_order_line
    WHERE hospital_code = ANY($1) AND vbp_selected AND substr(month, 1, 4) || '-12' = ANY($2) GROUP BY 1, 2, 3) o
    ON o.hospital_code = g.hospital_code AND o.generic_group = g.generic_group AND o.y = g.year
  WHERE g.hospital_code = ANY($1) AND g.year || '-12' = ANY($2) AND g.region_code LIKE $3 GROUP BY 1, 2),
f AS (
  SELECT h, m, jsonb_object_agg(code, n) AS flags FROM (
    SELECT hospital_code AS h, month AS m, code, count(*)::int AS n FROM ${s}.finding
    WHERE hospital_code = ANY($1) AND month = ANY($2) AND region_code LIKE $3 GROUP BY 1, 2, 3) x GROUP BY 1, 2),
ft AS (
  SELECT hospital_code AS h, month AS m, count(DISTINCT r)::int AS flagged FROM ${s}.finding, unnest(refs) AS r
  WHERE hospital_code = ANY($1) AND month = ANY($2) AND region_code LIKE $3 AND r LIKE 'Tender:%' GROUP BY 1, 2)
SELECT h, m, tenders, open_tenders, single_source, budget, bids, awards, awarded, lines, total, vbp, agreed, bought, flags, flagged
FROM t FULL JOIN b USING (h, m) FULL JOIN a USING (h, m) FULL JOIN p USING (h, m) FULL JOIN v USING (h, m)
  FULL JOIN f USING (h, m) FULL JOIN ft USING (h, m)`;

interface MonthRow {
  h: string;
  m: string;
  tenders: number | null;
  open_tenders: number | null;
  single_source: number | null;
  budget: string | null;
  bids: number | null;
  awards: number | null;
  awarded: string | null;
  lines: number | null;
  total: string | null;
  vbp: string | null;
  agreed: string | null;
  bought: string | null;
  flags: Record<string, number> | null;
  flagged: number | null;
}

const toMonth = (r: MonthRow): ProcurementMonth => ({
  tenders: r.tenders ?? 0,
  openTenders: r.open_tenders ?? 0,
  singleSource: r.single_source ?? 0,
  bids: r.bids ?? 0,
  awards: r.awards ?? 0,
  flaggedTenders: r.flagged ?? 0,
  flags: r.flags ?? {},
  budgetTotal: r.budget ?? ZERO_DECIMAL,
  awardedTotal: r.awarded ?? ZERO_DECIMAL,
  purchaseLines: r.lines ?? 0,
  purchaseTotal: r.total ?? ZERO_DECIMAL,
  vbpPurchaseTotal: r.vbp ?? ZERO_DECIMAL,
  vbpAgreedQuantity: r.agreed ?? ZERO_DECIMAL,
  vbpBoughtQuantity: r.bought ?? ZERO_DECIMAL,
});

/** `HospitalPeriod.procurement` and `Hospital.procurement(period:)`: one statement per batch, whatever the mix of periods. */
export function procurementFiguresLoader(pool: pg.Pool, schema: string, scope: RowScope, minimumTenders: number) {
  const sql = monthsSql(`"${schema}"`);
  // Row scope: an officer's own hospital, a supervisor's region subtree; out of scope adds up to nothing.
  const region = scope.kind === 'region' ? `${scope.prefix}%` : scope.kind === 'hospital' ? '%' : '';
  const allowed = (codes: string[]) =>
    scope.kind === 'hospital' ? codes.filter((c) => c === scope.hospitalCode) : scope.kind === 'none' ? [] : codes;
  const figures: MonthlyFigures<ProcurementMonth, ProcurementFiguresModel> = {
    async loadMonths(hospitalCodes, months) {
      const { rows } = await pool.query<MonthRow>(sql, [allowed(hospitalCodes), months, region]);
      return new Map(rows.map((r) => [`${r.h}|${r.m}`, toMonth(r)]));
    },
    zero,
    add,
    finish: (sum: ProcurementMonth, _key: HospitalPeriodKey) => finish(sum, minimumTenders),
  };
  return hospitalPeriodLoader(figures);
}
