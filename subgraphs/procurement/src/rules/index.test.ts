import { describe, expect, it } from 'vitest';
import { resolveThresholds } from '#platform/rules/thresholds.js';
import { evaluateAll, procurementRules, procurementThresholds } from './index.js';
import { at, award, bid, cityYear, facts, REGION, tender, thresholds, uscc } from './fixtures.js';

describe('the rule list', () => {
  it('has every code of the issue once, each with a threshold row, a Chinese title and a source', () => {
    const codes = procurementRules.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.sort()).toEqual(Object.keys(procurementThresholds.rules).sort());
    expect(codes).toHaveLength(24);
    for (const rule of procurementRules) {
      expect(rule.title).toMatch(/[\u4e00-\u9fff]/);
      expect(rule.source.length).toBeGreaterThan(10);
    }
  });
});

describe('evaluateAll', () => {
  const short = tender('short', { tenderStart: at('2025-03-01'), tenderEnd: at('2025-03-19'), numberOfTenderers: 1 }); // 18 days

  it('runs every rule and records the version, with a region override when one applies', () => {
    const f = facts({
      tenders: [short],
      bids: [bid('short', 'b1', uscc(1), 100, { receivedAt: at('2025-03-18') })],
      awards: [award('short', uscc(1), 100)],
    });
    const national = evaluateAll(f, thresholds());
    expect(national.map((r) => r.code).sort()).toEqual(['R003', 'R018']);
    expect(national.every((r) => r.ruleVersion === 'CN-2025.1')).toBe(true);

    const overrides = [
      { ruleCode: 'R003', regionCode: '330500', params: { byMethod: { OPEN_TENDERING: 15 } }, validFrom: at('2025-01-01') },
    ];
    const regional = evaluateAll(f, resolveThresholds(procurementThresholds, { regionCode: REGION, overrides, asOf: at('2026-01-01') }));
    expect(regional.map((r) => r.code)).toEqual(['R018']);

    const tighter = [{ ...overrides[0]!, params: { byMethod: { OPEN_TENDERING: 30 } } }];
    const r003 = evaluateAll(
      f,
      resolveThresholds(procurementThresholds, { regionCode: REGION, overrides: tighter, asOf: at('2026-01-01') }),
      ['R003'],
    );
    expect(r003).toMatchObject([{ code: 'R003', ruleVersion: 'CN-2025.1+330500', evidence: { days: 18, threshold: 30 } }]);
  });

  it('is idempotent by (code, subjectKey): a rerun gives the same rows, with no duplicates', () => {
    const f = cityYear(200, 10, 2_000);
    const first = evaluateAll(f, thresholds());
    const keys = first.map((r) => `${r.code}|${r.subjectKey}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(evaluateAll(f, thresholds())).toEqual(first);
  });

  it('evaluates a synthetic city-year (2,000 tenders, 20,000 bids, 100,000 order lines)', () => {
    const f = cityYear(2_000, 10, 100_000);
    expect(f.bids).toHaveLength(20_000);
    const rows = evaluateAll(f, thresholds());
    const codes = new Set(rows.map((r) => r.code));
    // The generator plants a short period every 50th tender and an over-priced line every 1,000th.
    expect(rows.filter((r) => r.code === 'R003')).toHaveLength(40);
    expect(rows.filter((r) => r.code === 'PROC_ABOVE_LISTED_PRICE')).toHaveLength(100);
    expect(codes.has('R018')).toBe(false);
  });
});
