import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase } from '#platform/db/test-database.js';
import { openSubgraphDb } from '#platform/subgraph.js';
import { resolveThresholds } from '#platform/rules/thresholds.js';
import { evaluateAll, procurementThresholds } from '../rules/index.js';
import { cityYear, facts, priceProcesses } from '../rules/fixtures.js';
import type { ProcurementFacts } from '../rules/facts.js';
import { procurement } from '../subgraph.js';
import { recomputeFlags } from './recompute.js';
import { writeFacts } from './write-facts.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Awaited<ReturnType<typeof openSubgraphDb>>;
let pool: pg.Pool;
const ASOF = new Date('2026-06-01T00:00:00Z');

/** The same facts moved to another district (its own hospital), so scenarios can share one database. */
function inDistrict(f: ProcurementFacts, region: string, tag: string): ProcurementFacts {
  const hospitalCode = `12${region}MB000${tag}X`.slice(0, 18);
  const move = <T extends { hospitalCode: string; regionCode: string }>(rows: T[]) =>
    rows.map((r) => ({ ...r, hospitalCode, regionCode: region }));
  const ocid = <T extends { ocid: string }>(rows: T[]) => rows.map((r) => ({ ...r, ocid: `${tag}-${r.ocid}` }));
  return {
    ...f,
    tenders: ocid(move(f.tenders)),
    bids: ocid(move(f.bids)),
    awards: ocid(move(f.awards)),
    lots: ocid(f.lots),
    parties: ocid(f.parties),
    committeeMembers: ocid(move(f.committeeMembers)),
    contracts: ocid(move(f.contracts)),
  };
}

const stored = async (prefix: string) =>
  (
    await pool.query<{ code: string; subject_key: string; evidence: unknown; rule_version: string }>(
      `SELECT code, subject_key, evidence, rule_version FROM procurement.finding WHERE region_code LIKE $1 ORDER BY code, subject_key`,
      [`${prefix}%`],
    )
  ).rows;

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['procurement'] });
  db = await openSubgraphDb(procurement, { databaseUrl: database.urlFor('procurement') });
  pool = db.pool;
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe('recomputing the flags on PostgreSQL', () => {
  it('stores exactly what the rules find in a city-year read back from the tables, and a rerun changes nothing', async () => {
    const world = cityYear(600, 6, 6_000);
    await writeFacts(pool, 'procurement', world);
    const first = await recomputeFlags(db, { regionCode: '330502', year: 2025, asOf: ASOF });
    const expected = evaluateAll({ ...world, asOf: ASOF }, resolveThresholds(procurementThresholds, { regionCode: '330502', asOf: ASOF }))
      .filter((r) => r.month.startsWith('2025-'))
      .map((r) => `${r.code} ${r.subjectKey}`)
      .sort();
    const rows = await stored('330502');
    expect(rows.map((r) => `${r.code} ${r.subject_key}`).sort()).toEqual(expected);
    expect(first).toMatchObject({ flags: expected.length, inserted: expected.length, updated: 0, removed: 0 });
    expect(new Set(rows.map((r) => r.code))).toContain('R003');
    const again = await recomputeFlags(db, { regionCode: '330502', year: 2025, asOf: ASOF });
    expect(again).toMatchObject({ flags: expected.length, inserted: 0, updated: 0, removed: 0 });
  });

  it('R024 / R058 fences from the stored bids: on the fence flagged, just inside not, IQR = 0 nothing (Cardinal: everything)', async () => {
    // Sorted (second-lowest − winner) / winner ratios; quartiles 0.5 and 0.75, fences 0.125 and 1.125 (rules/cardinal-fences.test.ts).
    await writeFacts(pool, 'procurement', inDistrict(priceProcesses([0.125, 0.5, 0.5, 0.6, 0.6, 0.75, 0.75, 1.125]), '330511', 'on'));
    await writeFacts(pool, 'procurement', inDistrict(priceProcesses([0.13, 0.5, 0.5, 0.6, 0.6, 0.75, 0.75, 1.12]), '330512', 'in'));
    await writeFacts(pool, 'procurement', inDistrict(priceProcesses([0.125, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), '330513', 'flat'));
    for (const region of ['330511', '330512', '330513']) await recomputeFlags(db, { regionCode: region, year: 2025, asOf: ASOF });
    const priceFlags = async (prefix: string) => (await stored(prefix)).filter((r) => r.code === 'R024' || r.code === 'R058');
    expect((await priceFlags('330511')).map((r) => `${r.code} ${r.subject_key}`)).toEqual(['R024 tender:on-p0', 'R058 tender:on-p7']);
    expect(await priceFlags('330512')).toEqual([]);
    expect(await priceFlags('330513')).toEqual([]);
    const cardinal = await recomputeFlags(db, { regionCode: '330513', year: 2025, version: 'CARDINAL-1', asOf: ASOF });
    expect(cardinal.version).toBe('CARDINAL-1');
    const flat = await priceFlags('330513');
    expect(flat.filter((r) => r.code === 'R024')).toHaveLength(8);
    expect(flat.every((r) => r.rule_version === 'CARDINAL-1')).toBe(true);
  });

  it('a regional override changes the threshold and the recorded version; flags no longer produced are removed', async () => {
    const short = facts();
    const base = inDistrict({ ...short, tenders: cityYear(24, 3, 0).tenders.slice(0, 1) }, '330521', 'ovr');
    // One 公开招标 with a 10-day period: flagged nationally (20 days).
    base.tenders[0] = { ...base.tenders[0]!, tenderEnd: new Date(base.tenders[0]!.tenderStart!.getTime() + 10 * 86_400_000) };
    await writeFacts(pool, 'procurement', base);
    await recomputeFlags(db, { regionCode: '330521', year: 2025, asOf: ASOF });
    expect((await stored('330521')).filter((r) => r.code === 'R003')).toHaveLength(1);
    await pool.query(
      `INSERT INTO procurement.rule_threshold_override (rule_code, region_code, valid_from, params, note) VALUES ('R003', '330521', '2025-01-01', $1, 'test')`,
      [JSON.stringify({ byMethod: { OPEN_TENDERING: 7 } })],
    );
    const after = await recomputeFlags(db, { regionCode: '330521', year: 2025, asOf: ASOF });
    expect(after.removed).toBeGreaterThanOrEqual(1);
    expect((await stored('330521')).filter((r) => r.code === 'R003')).toEqual([]);
  });
});
