import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { runSeeds } from '#platform/seed/run.js';
import type { SubgraphSeed } from '#platform/seed/types.js';
import { directorySeed } from '../../../directory/src/seed/index.js';
import { PLANTED_CODES, type ProcurementFacts, procurementSeed } from './index.js';

let db: TestDatabase;
let admin: pg.Pool;
const pools: pg.Pool[] = [];
let counts: Record<string, Record<string, number>>;
let manifest: ProcurementFacts;

const poolFor = (url: string) => {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const pool = new pg.Pool({ connectionString: u.toString(), max: 4 });
  pools.push(pool);
  return pool;
};
const one = async (sql: string) => Number(Object.values((await admin.query(sql)).rows[0] as Record<string, unknown>)[0]);

beforeAll(async () => {
  db = await createTestDatabase({ subgraphs: ['directory', 'procurement'] });
  admin = poolFor(db.adminUrl);
  // runSeeds keeps its facts to itself: read the manifest from inside the run.
  const capturing: SubgraphSeed = {
    tables: procurementSeed.tables,
    run: async (ctx) => {
      const result = await procurementSeed.run(ctx);
      manifest = ctx.facts.get('procurement') as ProcurementFacts;
      return result;
    },
  };
  counts = await runSeeds(
    [
      { target: { name: 'directory', pool: poolFor(db.urlFor('directory')), method: 'copy' }, seed: directorySeed },
      { target: { name: 'procurement', pool: poolFor(db.urlFor('procurement')), method: 'copy' }, seed: capturing },
    ],
    { scale: 'city', reset: true, progress: false },
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

describe('procurement seed, city-year on PostgreSQL', () => {
  it('loads a city-year of tenders, bids and order lines', async () => {
    const c = counts.procurement!;
    expect(c.tender).toBeGreaterThanOrEqual(2_000);
    expect(c.tender).toBeLessThanOrEqual(2_600);
    expect(c.bid).toBeGreaterThanOrEqual(18_000);
    expect(c.purchase_order_line).toBeGreaterThanOrEqual(95_000);
    expect(c.purchase_order_line).toBeLessThanOrEqual(105_000);
    for (const t of ['award', 'contract', 'ocds_release']) expect(c[t]).toBe(c.tender);
    expect(c.committee_member).toBe(5 * c.tender!);
    expect(await one('SELECT count(*) FROM procurement.tender')).toBe(c.tender);
    expect(await one('SELECT count(*) FROM procurement.purchase_order_line')).toBe(c.purchase_order_line);
    expect(c.vbp_agreement).toBeGreaterThan(100);
    expect(c.supplier_sanction).toBeGreaterThan(0);
  });

  it('level-3 hospitals buy far more than level-1', async () => {
    const { rows } = await admin.query<{ level: string; per: string }>(`
      SELECT h.level, count(*)::float / count(DISTINCT t.hospital_code) AS per
      FROM procurement.tender t JOIN directory.hospital h ON h.code = t.hospital_code GROUP BY h.level`);
    const per = Object.fromEntries(rows.map((r) => [r.level, Number(r.per)]));
    expect(per.LEVEL_3).toBeGreaterThan(5 * per.LEVEL_1!);
  });

  it("puts every row on a directory hospital with that hospital's region", async () => {
    for (const table of ['tender', 'bid', 'committee_member', 'award', 'contract', 'purchase_order_line', 'vbp_agreement']) {
      const orphans = await one(`
        SELECT count(*) FROM procurement.${table} x LEFT JOIN directory.hospital h ON h.code = x.hospital_code
        WHERE h.code IS NULL OR h.region_code <> x.region_code`);
      expect(orphans, table).toBe(0);
    }
  });

  it('refers only to directory suppliers, products and staff', async () => {
    const checks = {
      bidders: `SELECT count(*) FROM procurement.bid b, unnest(b.tenderer_usccs) u LEFT JOIN directory.supplier s ON s.uscc = u WHERE s.uscc IS NULL`,
      winners: `SELECT count(*) FROM procurement.award a, unnest(a.supplier_usccs) u LEFT JOIN directory.supplier s ON s.uscc = u WHERE s.uscc IS NULL`,
      registered: `SELECT count(*) FROM procurement.award a JOIN directory.supplier s ON s.uscc = a.supplier_usccs[1] WHERE a.supplier_registered_on IS DISTINCT FROM s.registered_on`,
      parties: `SELECT count(*) FROM procurement.party p LEFT JOIN directory.supplier s ON s.uscc = p.uscc LEFT JOIN directory.hospital h ON h.code = p.uscc WHERE s.uscc IS NULL AND h.code IS NULL`,
      staff: `SELECT count(*) FROM procurement.committee_member m LEFT JOIN directory.staff s ON s.id = m.staff_id WHERE m.staff_id IS NOT NULL AND (s.id IS NULL OR s.hospital_code <> m.hospital_code)`,
      products: `SELECT count(*) FROM procurement.purchase_order_line l LEFT JOIN directory.product p ON p.code = l.product_code
                 WHERE p.code IS NULL OR p.supplier_uscc <> l.manufacturer_uscc OR p.vbp_selected <> l.vbp_selected
                    OR p.listed_price <> l.listed_price OR l.generic_group <> left(l.product_code, 10)`,
      distributors: `SELECT count(*) FROM procurement.purchase_order_line l LEFT JOIN directory.supplier s ON s.uscc = l.supplier_uscc WHERE s.uscc IS NULL`,
      sanctioned: `SELECT count(*) FROM procurement.supplier_sanction x LEFT JOIN directory.supplier s ON s.uscc = x.supplier_uscc WHERE s.uscc IS NULL`,
    };
    for (const [name, sql] of Object.entries(checks)) expect(await one(sql), name).toBe(0);
  });

  it('keeps the background realistic: methods, periods, bid counts, prices, invoices, months', async () => {
    const methods = await admin.query<{ method: string; n: string }>(`SELECT method, count(*) n FROM procurement.tender GROUP BY method`);
    const share = Object.fromEntries(methods.rows.map((r) => [r.method, Number(r.n) / counts.procurement!.tender!]));
    expect(share.OPEN_TENDERING).toBeGreaterThan(0.4);
    expect(share.SINGLE_SOURCE).toBeLessThan(0.05);
    expect(await one(`SELECT count(*) FROM procurement.tender WHERE budget >= 4000000 AND method NOT IN ('OPEN_TENDERING', 'INVITED_TENDERING')`)).toBe(1);
    expect(await one(`SELECT count(*) FROM procurement.tender WHERE method = 'OPEN_TENDERING' AND tender_end - tender_start < interval '20 days'`)).toBe(1);
    const bids = await admin.query<{ min: number; max: number }>(`
      SELECT min(n) AS min, max(n) AS max FROM (SELECT t.ocid, count(*)::int n FROM procurement.tender t JOIN procurement.bid b USING (ocid)
      WHERE t.method = 'OPEN_TENDERING' AND t.hospital_code <> ALL($1) GROUP BY t.ocid) x`, [Object.values(manifest.plantedHospitals)]);
    expect(bids.rows[0]!.min).toBeGreaterThanOrEqual(3);
    expect(bids.rows[0]!.max).toBeLessThanOrEqual(19); // 3–18 plus, now and then, the planted cover bidder
    expect(await one(`SELECT count(*) FROM procurement.bid WHERE status = 'DISQUALIFIED' AND disqualify_reason IS NULL`)).toBe(0);
    expect(await one(`SELECT count(*) FROM procurement.purchase_order_line WHERE unit_price > listed_price`)).toBe(1);
    expect(await one(`SELECT count(*) FROM procurement.purchase_order_line WHERE cardinality(invoices) <> 2`)).toBe(1);
    expect(await one(`SELECT count(*) FROM procurement.purchase_order_line WHERE month <> to_char(ordered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')`)).toBe(0);
    expect(await one(`SELECT count(*) FROM procurement.contract c JOIN procurement.award a ON a.ocid = c.ocid
      WHERE c.date_signed - a.date NOT BETWEEN interval '7 days' AND interval '30 days'`)).toBe(0);
  }); // prettier-ignore

  it('stores one OCDS release per process that agrees with the tender row', async () => {
    const mismatches = await one(`
      SELECT count(*) FROM procurement.tender t JOIN procurement.ocds_release r USING (ocid)
      WHERE r.body->>'ocid' <> t.ocid OR (r.body->'tender'->>'numberOfTenderers')::int <> t.number_of_tenderers
         OR (r.body->'tender'->'value'->>'amount')::numeric <> t.budget OR r.body->'tender'->>'procurementMethodDetails' <> t.method_details
         OR json_array_length(r.body->'bids'->'details') <> (SELECT count(*) FROM procurement.bid b WHERE b.ocid = t.ocid)
         OR r.tags <> ARRAY['tender', 'award', 'contract']`);
    expect(mismatches).toBe(0);
  });

  it('plants a positive and a near miss for every flag code, each pointing at a stored record', async () => {
    for (const code of PLANTED_CODES) {
      const cases = manifest.planted.filter((c) => c.code === code);
      expect(
        cases.some((c) => c.expect === 'flag'),
        `${code} positive`,
      ).toBe(true);
      expect(
        cases.some((c) => c.expect === 'clear'),
        `${code} near miss`,
      ).toBe(true);
    }
    const lookups: Record<string, string> = {
      Tender: 'SELECT count(*) FROM procurement.tender WHERE ocid = $1',
      Supplier: 'SELECT count(*) FROM directory.supplier WHERE uscc = $1',
      Hospital: 'SELECT count(*) FROM directory.hospital WHERE code = $1',
      Staff: 'SELECT count(*) FROM procurement.committee_member WHERE staff_id = $1::uuid',
      PurchaseOrderLine: 'SELECT count(*) FROM procurement.purchase_order_line WHERE key = $1',
      VbpAgreement: `SELECT count(*) FROM procurement.vbp_agreement WHERE hospital_code || '/' || generic_group || '/' || year = $1`,
    };
    for (const c of manifest.planted) {
      const [type, key] = [c.ref.slice(0, c.ref.indexOf(':')), c.ref.slice(c.ref.indexOf(':') + 1)];
      const { rows } = await admin.query<{ count: string }>(lookups[type]!, [key]);
      expect(Number(rows[0]!.count), c.ref).toBeGreaterThan(0);
    }
  });

  it('plants R003 at 12 days and the near miss at exactly 20', async () => {
    const [pos, near] = manifest.planted.filter((c) => c.code === 'R003').map((c) => c.ref.slice('Tender:'.length));
    const { rows } = await admin.query<{ ocid: string; days: number }>(
      `SELECT ocid, extract(epoch FROM tender_end - tender_start) / 86400 AS days FROM procurement.tender WHERE ocid = ANY($1)`,
      [[pos, near]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.ocid, Number(r.days)]))).toEqual({ [pos!]: 12, [near!]: 20 });
  });
});

describe('the flags of the seeded city-year (computed after loading, as the demo shows them)', () => {
  it('flags every planted positive and none of the near misses, with every code present', async () => {
    const { rows } = await admin.query<{ code: string; refs: string[]; subject_key: string }>(
      'SELECT code, refs, subject_key FROM procurement.finding',
    );
    // A buyer-level finding (R038 per buyer) is about the hospital itself: its subject, not a ref.
    const about = (code: string, ref: string) =>
      rows.some(
        (f) => f.code === code && (f.refs.includes(ref) || (ref.startsWith('Hospital:') && f.subject_key === `buyer:${ref.slice(9)}`)),
      );
    const wrong = manifest.planted.filter((c) => about(c.code, c.ref) !== (c.expect === 'flag'));
    expect(wrong).toEqual([]);
    expect(new Set(rows.map((f) => f.code))).toEqual(new Set(PLANTED_CODES));
    expect(counts.procurement!.finding).toBe(rows.length);
  });
});
