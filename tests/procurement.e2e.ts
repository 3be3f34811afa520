import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceFindings } from '#platform/findings/store.js';
import { makeUscc } from '#platform/validation/index.js';
import { startStack, type Stack } from './helpers/stack.js';
import { CITY, DISTRICTS, loadDirectory, loadSuppliers } from './helpers/fixtures.js';
import { loadTenders, type TenderSpec } from './helpers/procurement-fixtures.js';

let stack: Stack;
let hospitals: Awaited<ReturnType<typeof loadDirectory>>['hospitals'];
const SUPPLIERS = Array.from({ length: 6 }, (_, i) =>
  makeUscc({ registrationDept: '9', category: '1', regionCode: '330502', serial: 500 + i }),
);
const procurementStatements = () => stack.subgraphs.procurement!.db.stats.statements;
const directoryStatements = () => stack.subgraphs.directory!.db.stats.statements;

/** Three tenders per hospital in the city, five bids each from the six suppliers, one award, a committee of staff and experts. */
function tendersOf(h: { code: string; regionCode: string }, i: number): TenderSpec[] {
  return [0, 1, 2].map((n) => ({
    ocid: `ocds-test-${h.code}-${n}`,
    hospitalCode: h.code,
    regionCode: h.regionCode,
    bids: Array.from({ length: 5 }, (_, b) => ({
      id: `B${b}`,
      tenderers: [SUPPLIERS[(i + n + b) % SUPPLIERS.length]!],
      amount: 900_000 + b * 10_000,
    })),
    winners: ['B0'],
    committee: [
      { id: 'M1', expertName: '王建国', role: '评标专家' },
      { id: 'M2', expertName: '李秀英', role: '评标专家' },
    ],
  }));
}

beforeAll(async () => {
  stack = await startStack();
  ({ hospitals } = await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 12, departmentsEach: 1, staffEach: 1 }));
  await loadSuppliers(stack.subgraphs.directory!.db.pool, SUPPLIERS, 'DEVICE', () => []);
  const city = hospitals.filter((h) => h.regionCode.startsWith('3305'));
  await loadTenders(stack.subgraphs.procurement!.db.pool, city.flatMap(tendersOf));
  // One stored flag per tender of the first hospital (the rules' own tests store them by recomputation).
  const first = city[0]!;
  await replaceFindings(
    stack.subgraphs.procurement!.db.pool,
    'procurement',
    { regionPrefix: '33', months: ['2025-03'], codes: ['R018'] },
    tendersOf(first, 0).map((t) => ({
      code: 'R018',
      ruleVersion: 'CN-2025.1',
      severity: 'HIGH' as const,
      hospitalCode: first.code,
      regionCode: first.regionCode,
      month: '2025-03',
      subjectKey: `tender:${t.ocid}`,
      refs: [`Tender:${t.ocid}`],
      evidence: { tenderers: 1 },
      explanation: '公开招标仅 1 家投标',
    })),
  );
  stack.idp.addAccount({ username: 'analyst', password: 'x', roles: ['analyst'], regionCode: CITY });
  stack.idp.addAccount({ username: 'officer', password: 'x', roles: ['hospital-officer'], hospitalCode: first.code });
});
afterAll(() => stack?.stop());

const CITY_TENDERS = `query CityTenders($region: ID!) {
  hospitals(filter: { regionCode: $region }, first: 10) {
    nodes {
      code name
      tenders(first: 3) {
        totalCount
        nodes {
          ocid title method budget { amount currency }
          bids { id amount { amount } status tenderers { uscc name } }
          awards { suppliers { uscc name } }
          flags { code explanation period severity }
        }
      }
    }
  }
}`;

describe('procurement through the gateway', () => {
  it("walks a region's hospitals → tenders → bids → bidders (directory) → flags in a bounded number of statements", async () => {
    const before = { p: procurementStatements(), d: directoryStatements() };
    const res = await stack.query<{
      hospitals: {
        nodes: {
          code: string;
          tenders: { totalCount: number; nodes: { bids: { tenderers: { name: string }[] }[]; flags: { code: string }[] }[] };
        }[];
      };
    }>(CITY_TENDERS, { region: CITY });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.hospitals.nodes;
    const cityHospitals = hospitals.filter((h) => h.regionCode.startsWith('3305'));
    expect(nodes).toHaveLength(cityHospitals.length);
    for (const h of nodes) expect(h.tenders.totalCount).toBe(3);
    const bids = nodes.flatMap((h) => h.tenders.nodes.flatMap((t) => t.bids));
    expect(bids).toHaveLength(cityHospitals.length * 15);
    expect(bids.every((b) => b.tenderers[0]!.name.startsWith('供应商'))).toBe(true);
    expect(nodes.find((h) => h.code === cityHospitals[0]!.code)!.tenders.nodes.every((t) => t.flags[0]?.code === 'R018')).toBe(true);
    // tenders (1) + totalCount (1) + bids, awards and flags (1 each): not one per hospital or tender.
    expect(procurementStatements() - before.p).toBeLessThanOrEqual(6);
    // hospitals (+ count) and the suppliers of every bid and award in one batch each.
    expect(directoryStatements() - before.d).toBeLessThanOrEqual(4);
  });

  it('an analyst sees the figures and the tenders, but no committee member names', async () => {
    const code = hospitals[0]!.code;
    const figures = await stack.as('analyst')<{
      hospital: { procurement: { tenders: number; bids: number; flags: { code: string; count: number }[] } };
    }>(
      'query F($code: ID!) { hospital(code: $code) { procurement(period: "2025") { tenders bids awards flags { code count } sufficient } } }',
      { code },
    );
    expect(figures.body.errors).toBeUndefined();
    expect(figures.body.data!.hospital.procurement).toMatchObject({ tenders: 3, bids: 15, flags: [{ code: 'R018', count: 3 }] });
    const committee = await stack.as('analyst')('query C($ocid: ID!) { tender(ocid: $ocid) { ocid committee { expertName } } }', {
      ocid: `ocds-test-${code}-0`,
    });
    expect(committee.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(committee.body.data ?? {})).not.toContain('王建国');
    const supervisor = await stack.query<{ tender: { committee: { expertName: string }[] } }>(
      'query C($ocid: ID!) { tender(ocid: $ocid) { committee { expertName } } }',
      {
        ocid: `ocds-test-${code}-0`,
      },
    );
    expect(supervisor.body.errors).toBeUndefined();
    expect(supervisor.body.data!.tender.committee[0]?.expertName).toBe('王**');
  });

  it("a hospital officer sees only their hospital's tenders, by list and by entity reference", async () => {
    const own = hospitals[0]!;
    const other = hospitals.find((h) => h.regionCode.startsWith('3305') && h.code !== own.code)!;
    const officer = stack.as('officer');
    const list = await officer<{ tenders: { totalCount: number; nodes: { hospital: { code: string } }[] } }>(
      '{ tenders(first: 100) { totalCount nodes { hospital { code } } } }',
    );
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data!.tenders.totalCount).toBe(3);
    expect(new Set(list.body.data!.tenders.nodes.map((t) => t.hospital.code))).toEqual(new Set([own.code]));
    const foreign = await officer('query T($ocid: ID!) { tender(ocid: $ocid) { ocid } }', { ocid: `ocds-test-${other.code}-0` });
    expect(foreign.body.data!.tender).toBeNull();
    // _entities: a Bid of another hospital reached through the supplier's bids stays out of scope.
    const viaSupplier = await officer<{ supplier: { bids: { nodes: { ocid: string }[] } } }>(
      'query S($uscc: ID!) { supplier(uscc: $uscc) { bids(first: 100) { nodes { ocid } } } }',
      { uscc: SUPPLIERS[0] },
    );
    expect(viaSupplier.body.errors).toBeUndefined();
    expect(viaSupplier.body.data!.supplier.bids.nodes.every((b) => b.ocid.includes(own.code))).toBe(true);
    const figures = await officer<{ hospital: { procurement: { tenders: number } } | null }>(
      'query F($code: ID!) { hospital(code: $code) { procurement(period: "2025-Q1") { tenders } } }',
      { code: other.code },
    );
    expect(figures.body.data?.hospital ?? null).toBeNull();
    void DISTRICTS;
  });
});
