import { describe, expect, it } from 'vitest';
import { PROVINCE_CODES, isWithin, parentRegionCode, regionLevel, validateRegionCode } from './region-code.js';

const reason = (s: string) => {
  const r = validateRegionCode(s);
  return r.ok ? undefined : r.reason;
};

describe('validateRegionCode', () => {
  it.each([
    '110000', // 北京市
    '110101', // 东城区
    '110228', // 密云县 (retired code, still format-valid)
    '350100', // 福州市
    '350102', // 鼓楼区
    '429004', // 仙桃市 (省直辖县级)
    '469001', // 五指山市
    '659001', // 石河子市
    '500229', // 城口县
    '810000', // 香港
    '710000', // 台湾
  ])('accepts %s', (code) => {
    expect(validateRegionCode(code)).toEqual({ ok: true, value: code });
  });

  it('trims whitespace', () => {
    expect(validateRegionCode(' 350100 ')).toEqual({ ok: true, value: '350100' });
  });

  it('has the 34 province-level codes', () => {
    expect(PROVINCE_CODES).toHaveLength(34);
  });

  it('rejects bad formats', () => {
    expect(reason('35010')).toMatch(/must be 6 digits/);
    expect(reason('3501000')).toMatch(/must be 6 digits/);
    expect(reason('35O100')).toMatch(/must be 6 digits/);
    expect(reason('350 100')).toMatch(/must be 6 digits/);
    expect(reason('')).toMatch(/must be 6 digits/);
  });

  it('rejects unknown provinces', () => {
    for (const code of ['000000', '100000', '160000', '390000', '830000', '990101']) {
      expect(reason(code)).toMatch(/unknown province-level code/);
    }
  });

  it('rejects structurally impossible codes', () => {
    expect(reason('350001')).toMatch(/without a prefecture part/);
    expect(reason('110300')).toMatch(/直辖市 110000 only has prefecture parts 01 and 02/);
    expect(reason('810100')).toMatch(/810000 has no subdivisions/);
  });
});

describe('regionLevel', () => {
  it('derives the level from the shape', () => {
    expect(regionLevel('350000')).toBe('PROVINCE');
    expect(regionLevel('350100')).toBe('CITY');
    expect(regionLevel('350102')).toBe('DISTRICT');
    expect(regionLevel('429000')).toBe('CITY');
    expect(regionLevel('110101')).toBe('DISTRICT');
  });
  it('throws on invalid codes', () => {
    expect(() => regionLevel('990000')).toThrow(RangeError);
  });
});

describe('parentRegionCode', () => {
  it('walks district → city → province → null', () => {
    expect(parentRegionCode('350102')).toBe('350100');
    expect(parentRegionCode('350100')).toBe('350000');
    expect(parentRegionCode('350000')).toBeNull();
  });

  it('skips the 省直辖县级 pseudo-prefecture (CC = 90)', () => {
    expect(parentRegionCode('429004')).toBe('420000');
    expect(parentRegionCode('469001')).toBe('460000');
    expect(parentRegionCode('659001')).toBe('650000');
    expect(parentRegionCode('419001')).toBe('410000');
    expect(parentRegionCode('429000')).toBe('420000');
  });

  it('sends 直辖市 districts straight to the municipality', () => {
    expect(parentRegionCode('110101')).toBe('110000');
    expect(parentRegionCode('120101')).toBe('120000');
    expect(parentRegionCode('310115')).toBe('310000');
    expect(parentRegionCode('500229')).toBe('500000');
    expect(parentRegionCode('110100')).toBe('110000');
  });

  it('throws on invalid codes', () => {
    expect(() => parentRegionCode('350001')).toThrow(RangeError);
  });
});

describe('isWithin', () => {
  it('uses prefix containment, inclusive', () => {
    expect(isWithin('350102', '350000')).toBe(true);
    expect(isWithin('350102', '350100')).toBe(true);
    expect(isWithin('350102', '350102')).toBe(true);
    expect(isWithin('350100', '350100')).toBe(true);
    expect(isWithin('350000', '350000')).toBe(true);
  });

  it('is false across branches and upwards', () => {
    expect(isWithin('350102', '350200')).toBe(false);
    expect(isWithin('350102', '330000')).toBe(false);
    expect(isWithin('350000', '350100')).toBe(false);
    expect(isWithin('350100', '350102')).toBe(false);
    expect(isWithin('350102', '350103')).toBe(false);
  });

  it('treats pseudo-units as containers of their codes', () => {
    expect(isWithin('110101', '110100')).toBe(true);
    expect(isWithin('110101', '110000')).toBe(true);
    expect(isWithin('429004', '429000')).toBe(true);
    expect(isWithin('429004', '420000')).toBe(true);
  });

  it('is false for invalid codes', () => {
    expect(isWithin('990101', '990000')).toBe(false);
    expect(isWithin('350102', 'abc')).toBe(false);
  });
});
