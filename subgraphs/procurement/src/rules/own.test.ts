import { describe, expect, it } from 'vitest';
import { r044 } from './r044.js';
import { r055 } from './r055.js';
import { awardAtBudget, decisionPeriod, methodThreshold, newSupplier } from './awards.js';
import { sanctionedSupplier } from './sanctions.js';
import { aboveListedPrice, invoiceChain, vbpShortfall, vbpSubstitution } from './orders.js';
import { committeeRepeat } from './committee.js';
import { bidRotation } from './rotation.js';
import { addDays, at, award, bid, facts, HOSPITAL, line, party, tender, thresholds, uscc } from './fixtures.js';
import type { CommitteeMemberFact } from './facts.js';

const CN = thresholds();
const [A, B, C, D] = [uscc(1), uscc(2), uscc(3), uscc(4)];

describe('R044 shared contact details', () => {
  it('flags two tenderers sharing a telephone written differently; not distinct contacts', () => {
    const f = facts({
      tenders: [tender('shared'), tender('distinct')],
      bids: [bid('shared', 'b1', A, 1), bid('shared', 'b2', B, 2), bid('distinct', 'b1', A, 1), bid('distinct', 'b2', B, 2)],
      parties: [
        party('shared', A, { telephone: '0571-8888 1234' }),
        party('shared', B, { telephone: '057188881234' }),
        party('distinct', A, { telephone: '0571-8888 1234', address: '杭州市 文三路 1 号' }),
        party('distinct', B, { telephone: '0571-8888 1235', address: '杭州市文三路2号' }),
      ],
    });
    const rows = r044.evaluate(f, CN.R044);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:shared']);
    expect(rows[0]!.explanation).toBe('2 家投标人电话相同');
  });
});

describe('R055 contract splitting', () => {
  const direct = (ocid: string, day: string, value: number, supplier = A) => ({
    tender: tender(ocid, { method: 'SINGLE_SOURCE', ocdsMethod: 'direct', awardDate: at(day) }),
    award: award(ocid, supplier, value, { date: at(day) }),
  });
  const run = (items: ReturnType<typeof direct>[]) =>
    r055.evaluate(facts({ tenders: items.map((i) => i.tender), awards: items.map((i) => i.award) }), CN.R055);

  it('flags direct awards to one supplier each below 4,000,000 that sum to it within 365 days', () => {
    const rows = run([direct('d1', '2025-01-10', 1_500_000), direct('d2', '2025-06-10', 1_500_000), direct('d3', '2025-12-20', 1_000_000)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.evidence).toMatchObject({ total: 4_000_000, threshold: 4_000_000 });
    expect(rows[0]!.explanation).toContain('合计 4,000,000 元');
  });

  it('near misses: the third award outside the window; another supplier; a sum just below', () => {
    expect(
      run([direct('d1', '2025-01-10', 1_500_000), direct('d2', '2025-06-10', 1_500_000), direct('d3', '2026-01-11', 1_000_000)]),
    ).toEqual([]);
    expect(run([direct('d1', '2025-01-10', 2_000_000), direct('d2', '2025-06-10', 2_000_000, B)])).toEqual([]);
    expect(run([direct('d1', '2025-01-10', 2_000_000), direct('d2', '2025-06-10', 1_999_999)])).toEqual([]);
  });
});

describe('PROC_AWARD_AT_BUDGET', () => {
  it('flags an award equal to the budget, not one just below', () => {
    const f = facts({ tenders: [tender('eq'), tender('below')], awards: [award('eq', A, 1_000_000), award('below', A, 999_999)] });
    expect(awardAtBudget.evaluate(f, CN.PROC_AWARD_AT_BUDGET).map((r) => r.subjectKey)).toEqual(['tender:eq']);
  });
});

describe('PROC_DECISION_PERIOD', () => {
  it('flags < 5 and > 100 days from the bid deadline to the award; 5 and 100 are fine', () => {
    const end = at('2025-03-31');
    const t = (ocid: string, days: number) => tender(ocid, { tenderEnd: end, awardDate: addDays(end, days) });
    const tenders = [t('d4', 4), t('d5', 5), t('d100', 100), t('d101', 101)];
    const f = facts({ tenders, awards: tenders.map((x) => award(x.ocid, A, 1)) });
    const rows = decisionPeriod.evaluate(f, CN.PROC_DECISION_PERIOD);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:d4', 'tender:d101']);
    expect(rows[0]!.explanation).toBe('投标截止至定标仅 4 天，短于 5 天');
  });
});

describe('PROC_NEW_SUPPLIER', () => {
  it('flags a winner registered 364 days before the award, not 365', () => {
    const day = at('2025-04-15');
    const f = facts({
      awards: [
        award('young', A, 1, { date: day, supplierRegisteredOn: addDays(day, -364) }),
        award('old', B, 1, { date: day, supplierRegisteredOn: addDays(day, -365) }),
      ],
    });
    const rows = newSupplier.evaluate(f, CN.PROC_NEW_SUPPLIER);
    expect(rows.map((r) => r.subjectKey)).toEqual(['award:young/young-a1']);
    expect(rows[0]!.explanation).toBe('中标人成立仅 364 天即中标，不足 365 天');
  });
});

describe('PROC_METHOD_THRESHOLD', () => {
  it('flags 单一来源 at 4,000,000, not 3,999,999 nor 公开招标', () => {
    const single = { method: 'SINGLE_SOURCE' as const, ocdsMethod: 'direct' };
    const f = facts({
      tenders: [tender('at', single), tender('below', single), tender('open')],
      awards: [award('at', A, 4_000_000), award('below', A, 3_999_999), award('open', A, 9_000_000)],
    });
    const rows = methodThreshold.evaluate(f, CN.PROC_METHOD_THRESHOLD);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:at']);
    expect(rows[0]!.explanation).toBe('采用单一来源方式，金额 4,000,000 元，达到公开招标数额标准 4,000,000 元');
  });
});

describe('PROC_SANCTIONED_SUPPLIER', () => {
  const sanction = {
    supplierUscc: A,
    kind: '限制挂网',
    validFrom: new Date('2025-04-01T00:00:00Z'),
    validTo: new Date('2025-06-30T00:00:00Z'),
    source: '浙江省医疗保障局',
    reference: null,
  };
  it('flags an award and purchases inside the sanction period, not the day after it ends', () => {
    const f = facts({
      awards: [award('in', A, 1, { date: at('2025-04-01', '09:00:00') }), award('after', A, 1, { date: at('2025-07-01', '09:00:00') })],
      orderLines: [
        line('PO1', 1, { supplierUscc: A, orderedAt: at('2025-06-30', '23:00:00'), month: '2025-06' }),
        line('PO2', 1, { supplierUscc: A, orderedAt: at('2025-07-01', '08:00:00'), month: '2025-07' }),
      ],
      sanctions: [sanction],
    });
    const rows = sanctionedSupplier.evaluate(f, CN.PROC_SANCTIONED_SUPPLIER);
    expect(rows.map((r) => r.subjectKey)).toEqual([`award:in/in-a1:${A}`, `purchases:${HOSPITAL}:${A}:2025-06`]);
  });
});

describe('order lines', () => {
  it('PROC_ABOVE_LISTED_PRICE: above the 挂网价 flagged, at it not', () => {
    const f = facts({ orderLines: [line('PO1', 1, { unitPrice: 5.5, listedPrice: 5 }), line('PO1', 2, { unitPrice: 5, listedPrice: 5 })] });
    const rows = aboveListedPrice.evaluate(f, CN.PROC_ABOVE_LISTED_PRICE);
    expect(rows.map((r) => r.subjectKey)).toEqual(['order-line:PO1/1']);
    expect(rows[0]!.explanation).toBe('采购单价 5.5 元高于挂网价 5 元（高出 10%）');
  });

  it('PROC_INVOICE_CHAIN: three invoices flagged, two not', () => {
    const f = facts({ orderLines: [line('PO1', 1, { invoices: ['M', 'D1', 'D2'] }), line('PO1', 2)] });
    expect(invoiceChain.evaluate(f, CN.PROC_INVOICE_CHAIN).map((r) => r.subjectKey)).toEqual(['order-line:PO1/1']);
  });

  it('PROC_VBP_SUBSTITUTION: a non-selected product when a selected one of its group was ordered in the region that month', () => {
    const f = facts({
      orderLines: [
        line('PO1', 1, { vbpSelected: true, hospitalCode: 'OTHER' }),
        line('PO2', 1, { vbpSelected: false, productCode: 'XA01ABD075B00000000' }),
        line('PO3', 1, { vbpSelected: false, genericGroup: 'XB00000000', productCode: 'XB0000000000' }), // no selected product of its group
      ],
    });
    const rows = vbpSubstitution.evaluate(f, CN.PROC_VBP_SUBSTITUTION);
    expect(rows.map((r) => r.subjectKey)).toEqual([`vbp-substitution:${HOSPITAL}:XA01ABD075:2025-05`]);
  });

  it('PROC_VBP_SUBSTITUTION: or when the hospital has an agreement for the group that year', () => {
    const f = facts({
      orderLines: [line('PO3', 1, { vbpSelected: false, genericGroup: 'XB00000000' })],
      vbpAgreements: [{ hospitalCode: HOSPITAL, regionCode: '330502', genericGroup: 'XB00000000', year: 2025, agreedQuantity: 10 }],
    });
    expect(vbpSubstitution.evaluate(f, CN.PROC_VBP_SUBSTITUTION)[0]!.evidence.basis).toEqual({
      selectedOrderedInRegion: false,
      agreement: true,
    });
  });

  it('PROC_VBP_SHORTFALL: a closed year below the agreed volume flagged; completed, or the open year, not', () => {
    const agreement = (genericGroup: string, year: number, agreedQuantity: number) => ({
      hospitalCode: HOSPITAL,
      regionCode: '330502',
      genericGroup,
      year,
      agreedQuantity,
    });
    const f = facts({
      asOf: at('2026-03-01'),
      orderLines: [
        line('PO1', 1, { quantity: 80 }),
        line('PO2', 1, { genericGroup: 'XC', quantity: 100 }),
        line('PO3', 1, { genericGroup: 'XD', quantity: 1, month: '2026-01' }),
      ],
      vbpAgreements: [agreement('XA01ABD075', 2025, 100), agreement('XC', 2025, 100), agreement('XD', 2026, 100)],
    });
    const rows = vbpShortfall.evaluate(f, CN.PROC_VBP_SHORTFALL);
    expect(rows.map((r) => r.subjectKey)).toEqual([`vbp-shortfall:${HOSPITAL}:XA01ABD075:2025`]);
    expect(rows[0]!.evidence).toMatchObject({ agreed: 100, bought: 80, completion: 0.8 });
    expect(rows[0]!.month).toBe('2025-12');
  });
});

describe('PROC_COMMITTEE_REPEAT', () => {
  const seat = (ocid: string, staffId: string): CommitteeMemberFact => ({
    ocid,
    memberId: 'm1',
    hospitalCode: HOSPITAL,
    regionCode: '330502',
    staffId,
    expertName: null,
    role: null,
  });
  const won = (ocid: string, day: string, supplier = A) => ({
    tender: tender(ocid, { awardDate: at(day) }),
    award: award(ocid, supplier, 1),
  });
  const run = (wins: ReturnType<typeof won>[], staff = 'S-1') =>
    committeeRepeat.evaluate(
      facts({
        tenders: wins.map((w) => w.tender),
        awards: wins.map((w) => w.award),
        committeeMembers: wins.map((w) => seat(w.tender.ocid, staff)),
      }),
      CN.PROC_COMMITTEE_REPEAT,
    );

  it('flags a member on 3 tenders won by the same supplier within 365 days', () => {
    const rows = run([won('c1', '2025-01-01'), won('c2', '2025-05-01'), won('c3', '2025-12-31')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.refs).toEqual(['Tender:c1', 'Tender:c2', 'Tender:c3', `Supplier:${A}`, 'Staff:S-1']);
  });

  it('near misses: the third a day too late, or won by another supplier', () => {
    expect(run([won('c1', '2025-01-01'), won('c2', '2025-05-01'), won('c3', '2026-01-02')])).toEqual([]);
    expect(run([won('c1', '2025-01-01'), won('c2', '2025-05-01'), won('c3', '2025-06-01', B)])).toEqual([]);
  });
});

describe('PROC_BID_ROTATION', () => {
  const round = (ocid: string, winner: string, ring = [A, B, C], month = '2025-03') => ({
    tender: tender(ocid, { month }),
    bids: ring.map((u, i) => bid(ocid, `b${i}`, u, 100 + i)),
    award: award(ocid, winner, 100),
  });
  const run = (rounds: ReturnType<typeof round>[]) =>
    bidRotation.evaluate(
      facts({ tenders: rounds.map((r) => r.tender), bids: rounds.flatMap((r) => r.bids), awards: rounds.map((r) => r.award) }),
      CN.PROC_BID_ROTATION,
    );

  it('flags the same three suppliers bidding together in 4 tenders and taking turns to win', () => {
    const rows = run([round('r1', A), round('r2', B), round('r3', C), round('r4', A)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.evidence).toMatchObject({ tenders: 4, topWinShare: 0.5 });
    expect(rows[0]!.explanation).toContain('3 家轮流中标');
  });

  it('near misses: one supplier wins most; only 3 tenders; a different co-bidder', () => {
    expect(run([round('r1', A), round('r2', A), round('r3', A), round('r4', B)])).toEqual([]);
    expect(run([round('r1', A), round('r2', B), round('r3', C)])).toEqual([]);
    expect(run([round('r1', A), round('r2', B), round('r3', C), round('r4', A, [A, B, D])])).toEqual([]);
  });
});
