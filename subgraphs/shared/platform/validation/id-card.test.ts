import { describe, expect, it } from 'vitest';
import { idCardCheckChar, makeIdCard, maskIdCard, validateIdCard } from './id-card.js';

const TODAY = new Date('2024-06-01T00:00:00Z');
const v = (s: string, today = TODAY) => validateIdCard(s, { today });
const reason = (s: string, today = TODAY) => {
  const r = v(s, today);
  return r.ok ? undefined : r.reason;
};

describe('validateIdCard', () => {
  it('accepts the GB 11643-1999 example number', () => {
    // Annex example of GB 11643-1999: 北京市朝阳区, born 1949-12-31, sequence 002 (female)
    expect(v('11010519491231002X')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('normalises whitespace and lowercase x', () => {
    expect(v(' 11010519491231002x ')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('accepts generated numbers for leap days, old county codes and 居住证 codes', () => {
    for (const [regionCode, birthDate] of [
      ['110105', '20000229'],
      ['110228', '19800101'], // 密云县, retired code still on old cards
      ['429004', '19900615'], // 省直辖县级 仙桃市
      ['830000', '19751231'], // 台湾居民居住证
    ] as const) {
      const id = makeIdCard({ regionCode, birthDate, sequence: 1 });
      expect(v(id).ok).toBe(true);
    }
  });

  it('rejects wrong lengths, including 15-digit first-generation numbers', () => {
    expect(reason('11010519491231002')).toMatch(/must be 18 characters, got 17/);
    expect(reason('110105491231002')).toMatch(/15-digit first-generation numbers are not accepted/);
    expect(reason('1101051949 1231002X')).toMatch(/got 19/);
  });

  it('rejects bad characters', () => {
    expect(reason('1101051949123100XX')).toMatch(/17 digits followed by a digit or 'X'/);
    expect(reason('11010519491231002Y')).toMatch(/17 digits followed by a digit or 'X'/);
  });

  it('rejects a wrong check character without echoing the number', () => {
    const r = reason('110105194912310021');
    expect(r).toMatch(/check character does not match/);
    expect(r).not.toMatch(/1949|110105/);
  });

  it('rejects an unknown province / malformed address code', () => {
    const first = '990105194912310020'.slice(0, 17);
    expect(reason(first + idCardCheckChar(first))).toMatch(/address code, digits 1–6/);
    const noCity = '110001194912310020'.slice(0, 17);
    expect(reason(noCity + idCardCheckChar(noCity))).toMatch(/address code/);
  });

  it('rejects impossible dates without echoing them', () => {
    for (const date of ['19490230', '19491301', '19490001', '19490100', '19000229']) {
      const first = `110105${date}002`;
      const r = reason(first + idCardCheckChar(first));
      expect(r).toMatch(/birth date, digits 7–14, is not a calendar date/);
      expect(r).not.toContain(date);
    }
  });

  it('rejects birth years before 1900 (the GB 11643 example 440524188001010014)', () => {
    expect(idCardCheckChar('44052418800101001')).toBe('4');
    expect(reason('440524188001010014')).toMatch(/birth year must be 1900 or later/);
  });

  it('rejects future birth dates, judged by the China (UTC+8) calendar date', () => {
    const tomorrow = makeIdCard({ regionCode: '110105', birthDate: '20240602', sequence: 1 });
    expect(reason(tomorrow)).toMatch(/in the future/);
    const today = makeIdCard({ regionCode: '110105', birthDate: '20240601', sequence: 1 });
    expect(v(today).ok).toBe(true);
    // 2024-06-01T17:00Z is already 2024-06-02 in China
    expect(v(tomorrow, new Date('2024-06-01T17:00:00Z')).ok).toBe(true);
    expect(reason(tomorrow, new Date('2024-06-01T15:59:59Z'))).toMatch(/in the future/);
  });
});

describe('idCardCheckChar', () => {
  it('computes MOD 11-2 check characters', () => {
    expect(idCardCheckChar('11010519491231002')).toBe('X');
  });
  it('throws on bad input', () => {
    expect(() => idCardCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => idCardCheckChar('1101051949123100X')).toThrow(RangeError);
  });
});

describe('makeIdCard', () => {
  it('round-trips across every check character', () => {
    const seen = new Set<string>();
    for (let sequence = 0; sequence < 1000; sequence += 3) {
      const id = makeIdCard({ regionCode: '320102', birthDate: '19851103', sequence });
      expect(v(id)).toEqual({ ok: true, value: id });
      seen.add(id[17] ?? '');
    }
    expect(seen.size).toBe(11);
  });

  it('lays out the parts', () => {
    expect(makeIdCard({ regionCode: '110105', birthDate: '19491231', sequence: 2 })).toBe('11010519491231002X');
  });

  it('rejects invalid parts', () => {
    expect(() => makeIdCard({ regionCode: '990000', birthDate: '19491231', sequence: 2 })).toThrow(RangeError);
    expect(() => makeIdCard({ regionCode: ' 110105', birthDate: '19491231', sequence: 2 })).toThrow(RangeError);
    expect(() => makeIdCard({ regionCode: '110105', birthDate: '19490231', sequence: 2 })).toThrow(RangeError);
    expect(() => makeIdCard({ regionCode: '110105', birthDate: '18991231', sequence: 2 })).toThrow(RangeError);
    expect(() => makeIdCard({ regionCode: '110105', birthDate: '1949-12-31', sequence: 2 })).toThrow(RangeError);
    expect(() => makeIdCard({ regionCode: '110105', birthDate: '19491231', sequence: 1000 })).toThrow(RangeError);
    expect(() => makeIdCard({ regionCode: '110105', birthDate: '19491231', sequence: -1 })).toThrow(RangeError);
  });
});

describe('maskIdCard', () => {
  it('shows first 3 and last 4 only', () => {
    expect(maskIdCard('110105194912311234')).toBe('110***********1234');
    expect(maskIdCard(' 11010519491231002x')).toBe('110***********002X');
  });

  it('never reveals the birth-date digits 7–14', () => {
    const masked = maskIdCard('11010519491231002X');
    expect(masked).toHaveLength(18);
    expect(masked.slice(6, 14)).toBe('********');
  });

  it('masks anything that is not 18 characters completely', () => {
    expect(maskIdCard('110105491231002')).toBe('***************');
    expect(maskIdCard('')).toBe('');
  });
});
