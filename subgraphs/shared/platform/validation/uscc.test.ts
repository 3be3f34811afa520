import { describe, expect, it } from 'vitest';
import { makeUscc, orgCodeCheckChar, usccCheckChar, validateUscc } from './uscc.js';

/** Widely published codes of real organisations; each passes both the MOD 31 and the GB 11714 check. */
const REAL = [
  '91350100M000100Y43', // sample code cited in GB 32100 material
  '914403001922038216', // 华为技术有限公司
  '91440300708461136T', // 深圳市腾讯计算机系统有限公司
  '91330100799655058B', // 阿里巴巴（中国）有限公司
  '91110108551385082Q', // 小米科技有限责任公司
  '91110000710926094P', // 中国石油化工股份有限公司
  '91110000100010433L', // national-scale enterprise registered in 北京
  '12100000400000624D', // 事业单位, national level (region 100000)
];

const reason = (s: string) => {
  const r = validateUscc(s);
  return r.ok ? undefined : r.reason;
};

describe('validateUscc', () => {
  it.each(REAL)('accepts %s', (code) => {
    expect(validateUscc(code)).toEqual({ ok: true, value: code });
  });

  it('normalises surrounding whitespace and lowercase', () => {
    expect(validateUscc('  91350100m000100y43\n')).toEqual({ ok: true, value: '91350100M000100Y43' });
  });

  it('rejects inner whitespace and wrong lengths', () => {
    expect(reason('91350100 M000100Y43')).toMatch(/must be 18 characters, got 19/);
    expect(reason('91350100M000100Y4')).toMatch(/must be 18 characters, got 17/);
    expect(reason('')).toMatch(/got 0/);
  });

  it.each(['I', 'O', 'Z', 'S', 'V', '-', '中'])('rejects character %s', (c) => {
    expect(reason(`91350100M000100Y4${c}`)).toMatch(/outside the GB 32100 character set/);
  });

  it('reports the expected check digit', () => {
    expect(reason('91350100M000100Y44')).toBe("not a valid 统一社会信用代码 (check digit should be '3')");
  });

  it('enforces the GB 11714 check of the 主体标识码', () => {
    // position 17 changed and position 18 recomputed: MOD 31 passes, GB 11714 fails
    const first17 = '91350100M000100Y5';
    const code = first17 + usccCheckChar(first17);
    expect(reason(code)).toMatch(/GB 11714 check character at position 17 should be '4'/);
  });

  it('rejects unknown registration departments and categories', () => {
    const withCheck = (first17: string) => first17 + usccCheckChar(first17);
    expect(reason(withCheck('B1350100M000100Y4'))).toMatch(/unknown 登记管理部门代码 'B'/);
    expect(reason(withCheck('94350100M000100Y4'))).toMatch(/机构类别代码 '4' is not defined for 登记管理部门 '9'/);
  });

  it('rejects a bad region part', () => {
    const first17 = '91990100M000100Y4';
    expect(reason(first17 + usccCheckChar(first17))).toMatch(/positions 3–8 '990100'/);
  });
});

describe('usccCheckChar / orgCodeCheckChar', () => {
  it('compute the known check characters', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(usccCheckChar('91440300708461136')).toBe('T');
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(orgCodeCheckChar('70846113')).toBe('6');
  });

  it('maps GB 11714 remainders 10 → X and 11 → 0', () => {
    expect(orgCodeCheckChar('00000006')).toBe('X'); // Σ = 12, 12 mod 11 = 1, 11 − 1 = 10
    expect(orgCodeCheckChar('00000000')).toBe('0'); // Σ = 0, 11 − 0 = 11
    expect(orgCodeCheckChar('00000001')).toBe('9');
  });

  it('throw on bad input', () => {
    expect(() => usccCheckChar('91350100M000100Y')).toThrow(RangeError);
    expect(() => usccCheckChar('91350100M000100YI')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('m000100y')).toThrow(RangeError);
  });
});

describe('makeUscc', () => {
  it('round-trips through validateUscc for many serials', () => {
    for (let serial = 0; serial < 2000; serial += 7) {
      const code = makeUscc({ registrationDept: '9', category: '1', regionCode: '350100', serial });
      expect(validateUscc(code)).toEqual({ ok: true, value: code });
    }
  });

  it('is deterministic and lays out the parts', () => {
    const code = makeUscc({ registrationDept: '5', category: '2', regionCode: '100000', serial: 12345678 });
    expect(code).toBe(makeUscc({ registrationDept: '5', category: '2', regionCode: '100000', serial: 12345678 }));
    expect(code.slice(0, 16)).toBe('5210000012345678');
    expect(code[16]).toBe(orgCodeCheckChar('12345678'));
  });

  it('rejects invalid parts', () => {
    expect(() => makeUscc({ registrationDept: 'Q', category: '1', regionCode: '350100', serial: 1 })).toThrow(RangeError);
    expect(() => makeUscc({ registrationDept: '9', category: '9', regionCode: '350100', serial: 1 })).toThrow(RangeError);
    expect(() => makeUscc({ registrationDept: '9', category: '1', regionCode: '990000', serial: 1 })).toThrow(RangeError);
    expect(() => makeUscc({ registrationDept: '9', category: '1', regionCode: '350100', serial: 1e8 })).toThrow(RangeError);
    expect(() => makeUscc({ registrationDept: '9', category: '1', regionCode: '350100', serial: 1.5 })).toThrow(RangeError);
  });
});
