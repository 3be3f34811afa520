import { describe, expect, it } from 'vitest';
import { r003 } from './r003.js';
import { r018 } from './r018.js';
import { r028, r030, r035, r036 } from './bids.js';
import { addDays, at, award, bid, facts, tender, thresholds, uscc } from './fixtures.js';

const CN = thresholds();
const CARDINAL = thresholds('CARDINAL-1');
const A = uscc(1);
const B = uscc(2);
const C = uscc(3);

describe('R003 short submission period', () => {
  const period = (days: number, o: Parameters<typeof tender>[1] = {}) =>
    tender(`t${days}`, { tenderStart: at('2025-03-01'), tenderEnd: addDays(at('2025-03-01'), days), ...o });

  it('flags 公开招标 under the national 20 days, not at 20 (near miss)', () => {
    const rows = r003.evaluate(facts({ tenders: [period(12), period(20)] }), CN.R003);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code: 'R003', subjectKey: 'tender:t12', ruleVersion: 'CN-2025.1', refs: ['Tender:t12'] });
    expect(rows[0]!.explanation).toBe('投标截止距公告仅 12 天，低于公开招标法定 20 天');
    expect(rows[0]!.evidence).toMatchObject({ days: 12, threshold: 20 });
  });

  it("uses Cardinal's 15 days under CARDINAL-1 (whole days, truncated)", () => {
    const almost15 = tender('t14.9', { tenderStart: at('2025-03-01'), tenderEnd: at('2025-03-15', '23:59:00') }); // 14 whole days
    const rows = r003.evaluate(facts({ tenders: [period(16), period(15), almost15] }), CARDINAL.R003);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:t14.9']);
    expect(rows[0]!.ruleVersion).toBe('CARDINAL-1');
  });

  it('applies each 采购方式 its own period and skips cancelled processes', () => {
    const negotiation = { method: 'COMPETITIVE_NEGOTIATION' as const, ocdsMethod: 'limited' };
    const rows = r003.evaluate(
      facts({
        tenders: [period(2, negotiation), { ...period(3, negotiation), ocid: 'n3' }, { ...period(5), ocid: 'gone', status: 'cancelled' }],
      }),
      CN.R003,
    );
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:t2']);
    expect(rows[0]!.explanation).toContain('竞争性谈判法定 3 天');
  });
});

describe('R018 single bid', () => {
  it('flags one tenderer in an open or selective procedure only', () => {
    const tenders = [
      tender('one', { numberOfTenderers: 1 }),
      tender('two', { numberOfTenderers: 2 }),
      tender('limited', { numberOfTenderers: 1, ocdsMethod: 'limited', method: 'COMPETITIVE_NEGOTIATION' }),
    ];
    expect(r018.evaluate(facts({ tenders }), CN.R018).map((r) => r.subjectKey)).toEqual(['tender:one']);
  });
});

describe('R028 identical bid prices', () => {
  it('flags different tenderers with the same price, and them; not one tenderer twice', () => {
    const f = facts({
      tenders: [tender('same'), tender('self')],
      bids: [
        bid('same', 'b1', A, 100),
        bid('same', 'b2', B, 100),
        bid('same', 'b3', C, 120),
        bid('self', 'b1', A, 100),
        bid('self', 'b2', A, 100),
        bid('self', 'b3', B, 101),
      ],
    });
    const rows = r028.evaluate(f, CN.R028);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.refs).toEqual(['Tender:same', ...[A, B].sort().map((u) => `Supplier:${u}`)]);
  });
});

describe('R030 late bid won', () => {
  it("flags the winner's valid bid received after the deadline, not one received on it", () => {
    const deadline = at('2025-03-31', '09:00:00');
    const f = facts({
      tenders: [tender('late', { tenderEnd: deadline }), tender('ontime', { tenderEnd: deadline })],
      bids: [
        bid('late', 'b1', A, 100, { receivedAt: addDays(deadline, 0.5) }),
        bid('late', 'b2', B, 90, { receivedAt: deadline }),
        bid('ontime', 'b1', A, 100, { receivedAt: deadline }),
      ],
      awards: [award('late', A, 100), award('ontime', A, 100)],
    });
    const rows = r030.evaluate(f, CN.R030);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:late']);
    expect(rows[0]!.refs).toEqual(['Tender:late', 'Bid:late/b1', `Supplier:${A}`]);
    expect(rows[0]!.evidence.hoursLate).toBe(12);
  });
});

describe('R035 all except winner disqualified', () => {
  it('flags one valid tenderer that won with others disqualified; the value is their count', () => {
    const f = facts({
      tenders: [tender('all'), tender('other-valid'), tender('pending')],
      bids: [
        bid('all', 'b1', A, 100),
        bid('all', 'b2', B, 90, { status: 'DISQUALIFIED' }),
        bid('all', 'b3', C, 95, { status: 'DISQUALIFIED' }),
        bid('other-valid', 'b1', A, 100),
        bid('other-valid', 'b2', B, 90, { status: 'DISQUALIFIED' }),
        bid('other-valid', 'b3', C, 95),
        bid('pending', 'b1', A, 100),
        bid('pending', 'b2', B, 90, { status: 'DISQUALIFIED' }),
      ],
      awards: [award('all', A, 100), award('other-valid', A, 100), award('pending', A, 100, { status: 'pending' })],
    });
    const rows = r035.evaluate(f, CN.R035);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:all']);
    expect(rows[0]!.evidence.disqualifiedTenderers).toBe(2);
    expect(rows[0]!.refs).toContain(`Supplier:${A}`);
  });
});

describe('R036 lowest bid disqualified', () => {
  it('flags the lowest submitted bid disqualified when a valid bid exists and an award is active', () => {
    const f = facts({
      tenders: [tender('low-out'), tender('low-ok'), tender('no-award')],
      bids: [
        bid('low-out', 'b1', A, 100),
        bid('low-out', 'b2', B, 90, { status: 'DISQUALIFIED', disqualifyReason: '资格不符' }),
        bid('low-ok', 'b1', A, 90),
        bid('low-ok', 'b2', B, 95, { status: 'DISQUALIFIED' }),
        bid('no-award', 'b1', A, 100),
        bid('no-award', 'b2', B, 90, { status: 'DISQUALIFIED' }),
      ],
      awards: [award('low-out', A, 100), award('low-ok', A, 90)],
    });
    const rows = r036.evaluate(f, CN.R036);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:low-out']);
    expect(rows[0]!.explanation).toBe('最低报价 90 元的投标被废标（资格不符）');
  });

  it('keeps the first of tied lowest bids, as Cardinal (strict <)', () => {
    const f = facts({
      tenders: [tender('tie')],
      bids: [bid('tie', 'b1', A, 90), bid('tie', 'b2', B, 90, { status: 'DISQUALIFIED' })],
      awards: [award('tie', A, 90)],
    });
    expect(r036.evaluate(f, CN.R036)).toEqual([]);
  });
});
