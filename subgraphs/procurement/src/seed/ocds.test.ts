import { describe, expect, it } from 'vitest';
import { createRng } from '#platform/seed/rng.js';
import { makeUscc } from '#platform/validation/index.js';
import type { DirectoryFacts } from '../../../directory/src/seed/index.js';
import { day2025, type Method } from './model.js';
import { toRelease } from './ocds.js';
import { buildProcess, createEnv } from './process.js';

// OCDS 1.1 closed codelists the release uses (../shared/data/ocds/*.csv).
const CODELISTS = {
  method: ['open', 'selective', 'limited', 'direct'],
  awardCriteria: ['priceOnly', 'costOnly', 'qualityOnly', 'ratedCriteria', 'lowestCost', 'bestProposal', 'bestValueToGovernment', 'singleBidOnly'],
  partyRole: ['buyer', 'procuringEntity', 'supplier', 'tenderer', 'funder', 'enquirer', 'payer', 'payee', 'reviewBody', 'interestedParty'],
  releaseTag: ['planning', 'tender', 'tenderUpdate', 'award', 'awardUpdate', 'contract', 'contractUpdate', 'implementation', 'compiled'],
  tenderStatus: ['planning', 'planned', 'active', 'complete', 'cancelled', 'unsuccessful', 'withdrawn'],
  awardStatus: ['pending', 'active', 'cancelled', 'unsuccessful'],
  contractStatus: ['pending', 'active', 'terminated', 'cancelled'],
  procurementCategory: ['goods', 'services', 'works'],
}; // prettier-ignore

const hospital = {
  code: makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 1 }),
  regionCode: '330502',
  level: 'LEVEL_2',
};
const suppliers = [1, 2, 3].map((i) => ({
  uscc: makeUscc({ registrationDept: '9', category: '1', regionCode: '330503', serial: 10_000_000 + i }),
  kind: 'DEVICE',
  registeredOn: '2010-05-01',
}));
const facts: DirectoryFacts = {
  hospitals: [hospital],
  suppliers,
  products: [],
  staff: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'].map((id) => ({
    id,
    hospitalCode: hospital.code,
    departmentId: 'd',
    role: 'ADMIN',
  })),
};
const [a, b, c] = suppliers.map((s) => s.uscc) as [string, string, string];

function release(method: Method = 'OPEN_TENDERING') {
  const env = createEnv(facts, createRng('ocds-test'));
  const process = buildProcess(env, {
    hospital,
    category: 'EQUIPMENT',
    method,
    budget: 1_000_000,
    start: day2025(10),
    periodDays: 25,
    decisionDays: 20,
    bids: [
      { supplier: a, amount: 850_000 },
      { supplier: b, amount: 900_000 },
      { supplier: c, amount: 950_000, status: 'DISQUALIFIED', reason: '资格不符' },
    ],
    winner: a,
  });
  return { process, body: toRelease(process) };
}

describe('toRelease', () => {
  it('has the required release fields and codelist values', () => {
    const { process, body } = release();
    expect(body.ocid).toBe(process.ocid);
    expect(body.ocid).toMatch(new RegExp(`^ocds-hub001-${hospital.code}-\\d+$`));
    for (const key of ['ocid', 'id', 'date', 'tag', 'initiationType'] as const) expect(body[key]).toBeDefined();
    expect(body.initiationType).toBe('tender');
    for (const tag of body.tag) expect(CODELISTS.releaseTag).toContain(tag);
    expect(CODELISTS.method).toContain(body.tender.procurementMethod);
    expect(CODELISTS.awardCriteria).toContain(body.tender.awardCriteria);
    expect(CODELISTS.tenderStatus).toContain(body.tender.status);
    expect(CODELISTS.procurementCategory).toContain(body.tender.mainProcurementCategory);
    for (const award of body.awards) expect(CODELISTS.awardStatus).toContain(award.status);
    for (const contract of body.contracts) expect(CODELISTS.contractStatus).toContain(contract.status);
    for (const party of body.parties) for (const role of party.roles) expect(CODELISTS.partyRole).toContain(role);
    expect(new Date(body.date).toISOString()).toBe(body.date);
  });

  it('maps each 采购方式 to its OCDS method and keeps the Chinese name', () => {
    const cases: [Method, string, string][] = [
      ['OPEN_TENDERING', 'open', '公开招标'],
      ['INVITED_TENDERING', 'selective', '邀请招标'],
      ['COMPETITIVE_NEGOTIATION', 'limited', '竞争性谈判'],
      ['COMPETITIVE_CONSULTATION', 'limited', '竞争性磋商'],
      ['REQUEST_FOR_QUOTATION', 'limited', '询价'],
      ['SINGLE_SOURCE', 'direct', '单一来源'],
    ];
    for (const [method, ocds, zh] of cases) {
      const { body } = release(method);
      expect([body.tender.procurementMethod, body.tender.procurementMethodDetails]).toEqual([ocds, zh]);
    }
  });

  it('identifies the buyer and every tenderer by CN-USCC, with address and contact point', () => {
    const { body } = release();
    const buyer = body.parties.find((p) => p.roles.includes('buyer'))!;
    expect(buyer.identifier).toMatchObject({ scheme: 'CN-USCC', id: hospital.code });
    expect(body.buyer).toEqual({ id: buyer.id, name: buyer.name });
    const ids = new Set(body.parties.map((p) => p.id));
    for (const t of body.tender.tenderers) expect(ids).toContain(t.id);
    for (const uscc of [a, b, c]) {
      const party = body.parties.find((p) => p.identifier.id === uscc)!;
      expect(party.identifier.scheme).toBe('CN-USCC');
      expect(party.address.streetAddress).toBeTruthy();
      expect(party.address.region).toBe('330503');
      expect(party.contactPoint).toMatchObject({
        name: expect.any(String),
        telephone: expect.any(String),
        email: expect.stringContaining('@'),
      });
    }
    const winner = body.parties.find((p) => p.identifier.id === a)!;
    expect(winner.roles).toEqual(['tenderer', 'supplier']);
    const phones = body.parties.map((p) => p.contactPoint.telephone);
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('carries the tender, bids, award and contract consistently', () => {
    const { process, body } = release();
    const t = body.tender;
    expect(t.value).toEqual({ amount: 1_000_000, currency: 'CNY' });
    expect(t.numberOfTenderers).toBe(3);
    expect(t.tenderers).toHaveLength(3);
    expect(t.category).toBe('EQUIPMENT');
    expect(t.items[0]!.classification.scheme).toBe('CPV');
    expect(t.items[0]!.classification.id).toMatch(/^\d{8}$/);
    expect(Date.parse(t.tenderPeriod.endDate) - Date.parse(t.tenderPeriod.startDate)).toBe(25 * 86_400_000);
    expect(t.bidOpening).toBe(t.tenderPeriod.endDate);
    expect(t.evaluationCommittee).toHaveLength(5);
    const staff = t.evaluationCommittee.filter((m) => m.staffId);
    expect(staff.map((m) => [m.id, m.role])).toEqual([
      ['M4', 'BUYER_REPRESENTATIVE'],
      ['M5', 'BUYER_REPRESENTATIVE'],
    ]);
    expect(staff.map((m) => m.staffId).sort()).toEqual(facts.staff.map((s) => s.id));
    expect(t.evaluationCommittee.filter((m) => m.name)).toHaveLength(3);

    const details = body.bids.details;
    expect(details.map((d) => d.status).sort()).toEqual(['disqualified', 'valid', 'valid']);
    const dq = details.find((d) => d.status === 'disqualified');
    expect(dq).toMatchObject({ statusDetails: '资格不符', value: { amount: 950_000, currency: 'CNY' } });
    for (const d of details) expect(Date.parse(d.date)).toBeLessThan(Date.parse(t.tenderPeriod.endDate));

    const award = body.awards[0]!;
    expect(award.value).toEqual({ amount: 850_000, currency: 'CNY' });
    expect(award.suppliers).toEqual([{ id: `CN-USCC-${a}`, name: expect.any(String) }]);
    expect(award.relatedBids).toEqual([process.winnerBidId]);
    expect(details.map((d) => d.id)).toContain(award.relatedBids[0]!);
    const contract = body.contracts[0]!;
    expect(contract).toMatchObject({ awardID: award.id, value: award.value, amendments: [] });
    expect(Date.parse(contract.dateSigned)).toBeGreaterThan(Date.parse(award.date));
  });

  it('is pure: the same process gives the same body', () => {
    const { process } = release();
    expect(JSON.stringify(toRelease(process))).toBe(JSON.stringify(toRelease(process)));
  });
});
