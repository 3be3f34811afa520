import { describe, expect, it } from 'vitest';
import { createRng } from '#platform/seed/rng.js';
import { makeUscc } from '#platform/validation/index.js';
import { compileReleases, type JsonObject } from '../../subgraphs/procurement/src/ocds/compile.js';
import { mapRecord } from '../../subgraphs/procurement/src/ocds/map.js';
import { day2025 } from '../../subgraphs/procurement/src/seed/model.js';
import { toRelease } from '../../subgraphs/procurement/src/seed/ocds.js';
import { buildProcess, createEnv } from '../../subgraphs/procurement/src/seed/process.js';
import { stageReleases } from './feed-bench.js';

const hospital = {
  code: makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 7 }),
  regionCode: '330502',
  level: 'LEVEL_2',
};
const usccs = [1, 2].map((i) => makeUscc({ registrationDept: '9', category: '1', regionCode: '330503', serial: 20_000_000 + i }));
const staff = '00000000-0000-4000-8000-000000000009';

function fullRelease(): JsonObject {
  const env = createEnv(
    {
      hospitals: [hospital],
      suppliers: usccs.map((uscc) => ({ uscc, kind: 'DEVICE', registeredOn: '2012-03-01' })),
      products: [],
      staff: [{ id: staff, hospitalCode: hospital.code, departmentId: 'd', role: 'ADMIN' }],
    },
    createRng('stage-releases'),
  );
  const p = buildProcess(env, {
    hospital,
    category: 'EQUIPMENT',
    method: 'OPEN_TENDERING',
    budget: 500_000,
    start: day2025(40),
    periodDays: 22,
    decisionDays: 10,
    bids: [
      { supplier: usccs[0]!, amount: 480_000 },
      { supplier: usccs[1]!, amount: 470_000, status: 'DISQUALIFIED', reason: '资格不符' },
    ],
    winner: usccs[0]!,
  });
  return toRelease(p) as unknown as JsonObject;
}

describe('stageReleases (the bench’s stage-release file)', () => {
  it('splits a process into its tender, result and contract releases, in date order, that map to the same rows as the full release', () => {
    const full = fullRelease();
    const stages = stageReleases(full);
    expect(stages.map((s) => s['tag'])).toEqual([['tender'], ['award'], ['contract']]);
    expect(new Set(stages.map((s) => s['id'])).size).toBe(3);
    const dates = stages.map((s) => String(s['date']));
    expect([...dates].sort()).toEqual(dates);
    expect(stages[0]!['bids']).toBeUndefined();
    expect((stages[0]!['tender'] as JsonObject)['status']).toBe('active');
    const facts = {
      hospital: { code: hospital.code, regionCode: hospital.regionCode },
      registeredOn: Object.fromEntries(usccs.map((u) => [u, '2012-03-01'])),
    };
    const fromStages = mapRecord(compileReleases(stages as JsonObject[]), facts);
    const fromFull = mapRecord(compileReleases([full]), facts);
    expect(fromStages.ok && fromFull.ok).toBe(true);
    if (!fromStages.ok || !fromFull.ok) return;
    expect(fromStages.rows.bid).toEqual(fromFull.rows.bid);
    expect(fromStages.rows.party).toEqual(fromFull.rows.party);
    expect(fromStages.rows.committee_member).toEqual(fromFull.rows.committee_member);
    expect(fromStages.rows.contract).toEqual(fromFull.rows.contract);
    expect(fromStages.rows.tender).toEqual(fromFull.rows.tender);
  });
});
