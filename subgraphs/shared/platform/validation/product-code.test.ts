import { describe, expect, it } from 'vitest';
import { genericGroup, makeConsumableCode, makeDrugCode, validateProductCode } from './product-code.js';

const reason = (s: string, kind?: 'DRUG' | 'CONSUMABLE') => {
  const r = validateProductCode(s, kind);
  return r.ok ? undefined : r.reason;
};

/** Codes published in public material (NHSA 医保药品分类与代码 / 医用耗材分类与代码 extracts). */
const REAL_DRUGS = [
  'XA10BAE021A010010201650', // 二甲双胍
  'XL02BBA326A001010102180', // 阿比特龙
  'XL02BBA326A001010178537',
  'XL02BBA326A001020278537',
  'ZA04BAX0061020300423', // 夏桑菊颗粒 (中成药, 20 characters)
];
const REAL_CONSUMABLES = ['C09100100000000211790000049'];

describe('validateProductCode', () => {
  it.each(REAL_DRUGS)('accepts drug code %s', (code) => {
    expect(validateProductCode(code)).toEqual({ ok: true, value: code, kind: 'DRUG' });
    expect(validateProductCode(code, 'DRUG')).toEqual({ ok: true, value: code, kind: 'DRUG' });
  });

  it.each(REAL_CONSUMABLES)('accepts consumable code %s', (code) => {
    expect(validateProductCode(code)).toEqual({ ok: true, value: code, kind: 'CONSUMABLE' });
    expect(validateProductCode(code, 'CONSUMABLE')).toEqual({ ok: true, value: code, kind: 'CONSUMABLE' });
  });

  it('normalises whitespace and case', () => {
    expect(validateProductCode(' xa10bae021a010010201650 ')).toEqual({
      ok: true,
      value: 'XA10BAE021A010010201650',
      kind: 'DRUG',
    });
  });

  it('rejects a kind mismatch', () => {
    expect(reason('XA10BAE021A010010201650', 'CONSUMABLE')).toBe('expected a 医保医用耗材代码 but got a 医保药品代码');
    expect(reason('C09100100000000211790000049', 'DRUG')).toBe('expected a 医保药品代码 but got a 医保医用耗材代码');
  });

  it('rejects unknown prefixes and empty input', () => {
    expect(reason('T001700643')).toMatch(/unexpected first character 'T'/);
    expect(reason('')).toMatch(/empty/);
    expect(reason('A10BAE021A010010201650', 'DRUG')).toMatch(/not a valid 医保药品代码 \(unexpected first character 'A'\)/);
  });

  it('rejects wrong lengths', () => {
    expect(reason('XA10BAE021A01001020165')).toMatch(/西药\) \(must be 23 characters, got 22/);
    expect(reason('ZA04BAX00610203004230')).toMatch(/中成药\) \(must be 20 characters, got 21/);
    expect(reason('ZA04BAX006102030042300')).toMatch(/got 22/);
    expect(reason('C0910010000000021179000004')).toMatch(/must be 27 characters, got 26/);
  });

  it('rejects the 20-character consumable classification code', () => {
    expect(reason('C09100100000000211790000049'.slice(0, 20))).toMatch(/20-character classification code/);
  });

  it('rejects bad layouts', () => {
    expect(reason('X1A0BAE021A010010201650')).toMatch(/layout must be/); // class not ATC-shaped
    expect(reason('XA10BA0021A010010201650')).toMatch(/layout must be/); // name code without initial
    expect(reason('XA10BAE021A01001020165X')).toMatch(/layout must be/); // letter in enterprise code
    expect(reason('XA10BAE021A0100102016-0')).toMatch(/layout must be/);
    expect(reason('XE10BAE021A010010201650')).toMatch(/'E' is not an ATC anatomical main group/);
    expect(reason('ZA04BAX061A020300423')).toMatch(/layout must be/);
    expect(reason('C0910010000000021179000004A')).toMatch(/'C' followed by 26 digits/);
  });
});

describe('makeDrugCode', () => {
  it('reproduces published codes from their parts', () => {
    expect(
      makeDrugCode({
        type: 'X',
        category: 'A10BA',
        nameInitial: 'E',
        nameSerial: 21,
        dosageForm: 'A010',
        specPackage: 102,
        enterprise: 1650,
      }),
    ).toBe('XA10BAE021A010010201650');
    expect(makeDrugCode({ type: 'Z', category: 'A04BA', nameInitial: 'X', nameSerial: 61, specPackage: 203, enterprise: 423 })).toBe(
      'ZA04BAX0061020300423',
    );
  });

  it('round-trips through validateProductCode', () => {
    for (let i = 0; i < 200; i++) {
      const x = makeDrugCode({
        type: 'X',
        category: 'J01DE',
        nameInitial: 'T',
        nameSerial: i,
        dosageForm: 'B001',
        specPackage: i * 37,
        enterprise: i * 401,
      });
      expect(validateProductCode(x, 'DRUG')).toEqual({ ok: true, value: x, kind: 'DRUG' });
      const z = makeDrugCode({ type: 'Z', category: 'G02AA', nameInitial: 'G', nameSerial: i * 41, specPackage: i, enterprise: i });
      expect(validateProductCode(z, 'DRUG')).toEqual({ ok: true, value: z, kind: 'DRUG' });
    }
  });

  it('rejects invalid parts', () => {
    const base = {
      type: 'X',
      category: 'A10BA',
      nameInitial: 'E',
      nameSerial: 1,
      dosageForm: 'A001',
      specPackage: 1,
      enterprise: 1,
    } as const;
    expect(() => makeDrugCode({ ...base, category: 'A10B' })).toThrow(RangeError);
    expect(() => makeDrugCode({ ...base, category: 'E10BA' })).toThrow(RangeError); // not an ATC group
    expect(() => makeDrugCode({ ...base, nameInitial: 'e' })).toThrow(RangeError);
    expect(() => makeDrugCode({ ...base, nameSerial: 1000 })).toThrow(RangeError);
    expect(() => makeDrugCode({ ...base, dosageForm: '0001' })).toThrow(RangeError);
    expect(() => makeDrugCode({ ...base, specPackage: -1 })).toThrow(RangeError);
    expect(() => makeDrugCode({ ...base, enterprise: 100000 })).toThrow(RangeError);
  });
});

describe('makeConsumableCode', () => {
  it('reproduces a published code from its parts', () => {
    expect(makeConsumableCode({ category: '091001', genericName: 0, material: 0, feature: 0, enterprise: 21179, specModel: 49 })).toBe(
      'C09100100000000211790000049',
    );
  });

  it('round-trips through validateProductCode', () => {
    for (let i = 0; i < 200; i++) {
      const c = makeConsumableCode({
        category: '140103',
        genericName: i,
        material: i % 100,
        feature: i * 3,
        enterprise: i * 499,
        specModel: i * 49_999,
      });
      expect(c).toHaveLength(27);
      expect(validateProductCode(c, 'CONSUMABLE')).toEqual({ ok: true, value: c, kind: 'CONSUMABLE' });
    }
  });

  it('rejects invalid parts', () => {
    const base = { category: '140103', genericName: 41, material: 0, feature: 1, enterprise: 71013, specModel: 1 };
    expect(() => makeConsumableCode({ ...base, category: '14010' })).toThrow(RangeError);
    expect(() => makeConsumableCode({ ...base, material: 100 })).toThrow(RangeError);
    expect(() => makeConsumableCode({ ...base, specModel: 10_000_000 })).toThrow(RangeError);
    expect(() => makeConsumableCode({ ...base, genericName: 0.5 })).toThrow(RangeError);
  });
});

describe('genericGroup', () => {
  it('is class + name code of a 西药 code: forms, strengths and makers of one generic share it', () => {
    expect(genericGroup('XA10BAE021A010010201650')).toBe('XA10BAE021');
    expect(genericGroup('XL02BBA326A001010102180')).toBe(genericGroup('XL02BBA326A001020278537'));
    expect(genericGroup('XL02BBA326A001010102180')).not.toBe(genericGroup('XA10BAE021A010010201650'));
  });
  it('is 分类码 + 通用名码 of a 耗材 code', () => {
    expect(genericGroup('C09100100000000211790000049')).toBe('C091001000');
    const other = makeConsumableCode({ category: '091001', genericName: 0, material: 3, feature: 7, enterprise: 12, specModel: 1 });
    expect(genericGroup(other)).toBe('C091001000');
    const otherName = makeConsumableCode({ category: '091001', genericName: 1, material: 0, feature: 0, enterprise: 21179, specModel: 49 });
    expect(genericGroup(otherName)).toBe('C091001001');
  });
  it('normalises like the validator and is 10 characters for 中成药 too', () => {
    expect(genericGroup(' xa10bae021a010010201650 ')).toBe('XA10BAE021');
    expect(genericGroup('ZA04BAX0061020300423')).toBe('ZA04BAX006');
  });
  it('throws RangeError on an invalid code', () => {
    expect(() => genericGroup('XA10BAE021')).toThrow(RangeError);
    expect(() => genericGroup('')).toThrow(/genericGroup: not a valid/);
  });
});
