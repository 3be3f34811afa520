/**
 * GB 32100-2015 法人和其他组织统一社会信用代码 (USCC), 18 characters:
 *
 * | pos   | part                                                        |
 * | ----- | ----------------------------------------------------------- |
 * | 1     | 登记管理部门代码 (registration department)                   |
 * | 2     | 机构类别代码 (organisation category, per department)         |
 * | 3–8   | 登记管理机关行政区划码 (GB/T 2260; 100000 = national level)   |
 * | 9–17  | 主体标识码 = GB 11714 组织机构代码, 17 is its own check char  |
 * | 18    | check character (GB 32100 MOD 31)                           |
 *
 * Character set: `0-9 A-H J-N P-R T-U W-Y` (no I, O, Z, S, V).
 *
 * Decision: the inner GB 11714 check (position 17) IS enforced. Every code issued under
 * GB 32100 embeds a GB 11714 organisation code whose check character is valid, and
 * enforcing it catches transpositions inside positions 9–17 that the MOD 31 check can miss
 * when a user corrects the last character by hand.
 *
 * Normalisation: trim surrounding whitespace and upper-case; everything else is rejected.
 */
import type { Result } from './index.js';
import { validateRegionCode } from './region-code.js';

/** The 31 characters of GB 32100, in value order (index = value). */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** Region part used by national-level registration authorities (GB/T 2260 "中华人民共和国"). */
export const NATIONAL_REGION_CODE = '100000';

/**
 * 登记管理部门代码 → allowed 机构类别代码 (GB 32100-2015 annex and later assignments):
 * 1 机构编制 (1 机关, 2 事业单位, 3 中央编办直管群众团体, 9 其他), 2 外交, 3 司法行政,
 * 4 文化, 5 民政 (1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他), 6 旅游, 7 宗教, 8 工会,
 * 9 市场监管/工商 (1 企业, 2 个体工商户, 3 农民专业合作社), A 中央军委改革和编制办公室,
 * N 农业农村 (集体经济组织), Y 其他.
 */
export const USCC_CATEGORIES: Readonly<Record<string, string>> = {
  '1': '1239',
  '2': '19',
  '3': '123459',
  '4': '19',
  '5': '1239',
  '6': '129',
  '7': '129',
  '8': '19',
  '9': '123',
  A: '19',
  N: '1239',
  Y: '1',
};

const fail = (reason: string): Result => ({ ok: false, reason });
const NOT_VALID = 'not a valid 统一社会信用代码';

function usccCheckCharUnchecked(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i] ?? '') * (WEIGHTS[i] ?? 0);
  return USCC_CHARSET[(31 - (sum % 31)) % 31] ?? '';
}

/** GB 32100 check character (position 18) for the first 17 characters. Throws RangeError on bad input. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17 || [...first17].some((c) => !USCC_CHARSET.includes(c))) {
    throw new RangeError('usccCheckChar needs 17 characters from the GB 32100 character set');
  }
  return usccCheckCharUnchecked(first17);
}

/**
 * GB 11714 组织机构代码 check character for an 8-character body of `0-9 A-Z`
 * (values 0–9, A=10 … Z=35): weights 3,7,9,10,5,8,4,2; C = 11 − Σ mod 11; 10 → 'X', 11 → '0'.
 * Throws RangeError on bad input.
 */
export function orgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new RangeError('orgCodeCheckChar needs 8 characters 0-9 A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i] ?? '', 36) * (ORG_WEIGHTS[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Validate a 统一社会信用代码; on success `value` is the normalised (trimmed, upper-case) code. */
export function validateUscc(s: string): Result {
  const code = s.trim().toUpperCase();
  if (code.length !== 18) return fail(`${NOT_VALID} (must be 18 characters, got ${code.length})`);
  for (let i = 0; i < 18; i++) {
    const c = code[i] ?? '';
    if (!USCC_CHARSET.includes(c)) {
      return fail(`${NOT_VALID} (character '${c}' at position ${i + 1} is outside the GB 32100 character set)`);
    }
  }
  const dept = code[0] ?? '';
  const categories = USCC_CATEGORIES[dept];
  if (categories === undefined) return fail(`${NOT_VALID} (unknown 登记管理部门代码 '${dept}')`);
  const category = code[1] ?? '';
  if (!categories.includes(category)) {
    return fail(`${NOT_VALID} (机构类别代码 '${category}' is not defined for 登记管理部门 '${dept}')`);
  }
  const region = code.slice(2, 8);
  if (region !== NATIONAL_REGION_CODE && !validateRegionCode(region).ok) {
    return fail(`${NOT_VALID} (positions 3–8 '${region}' are not a GB/T 2260 行政区划代码)`);
  }
  const check = usccCheckCharUnchecked(code.slice(0, 17));
  if (code[17] !== check) return fail(`${NOT_VALID} (check digit should be '${check}')`);
  const body = code.slice(8, 16);
  const orgCheck = orgCodeCheckChar(body);
  if (code[16] !== orgCheck) {
    return fail(`${NOT_VALID} (主体标识码 GB 11714 check character at position 17 should be '${orgCheck}')`);
  }
  return { ok: true, value: code };
}

export interface UsccParts {
  /** 登记管理部门代码, a key of {@link USCC_CATEGORIES}, e.g. '9'. */
  registrationDept: string;
  /** 机构类别代码 allowed for that department, e.g. '1' (企业). */
  category: string;
  /** GB/T 2260 code of the registration authority, or '100000' for national level. */
  regionCode: string;
  /** Integer 0 … 99 999 999, written as the 8-digit 主体标识码 body. */
  serial: number;
}

/** Build a valid 统一社会信用代码 deterministically (no randomness). Throws RangeError on invalid parts. */
export function makeUscc({ registrationDept, category, regionCode, serial }: UsccParts): string {
  const categories = USCC_CATEGORIES[registrationDept];
  if (categories === undefined) throw new RangeError(`makeUscc: unknown registrationDept '${registrationDept}'`);
  if (category.length !== 1 || !categories.includes(category)) {
    throw new RangeError(`makeUscc: category '${category}' not defined for registrationDept '${registrationDept}'`);
  }
  if (!/^\d{6}$/.test(regionCode) || (regionCode !== NATIONAL_REGION_CODE && !validateRegionCode(regionCode).ok)) {
    throw new RangeError(`makeUscc: invalid regionCode '${regionCode}'`);
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > 99_999_999) {
    throw new RangeError(`makeUscc: serial must be an integer 0–99999999, got ${serial}`);
  }
  const body = String(serial).padStart(8, '0');
  const first17 = `${registrationDept}${category}${regionCode}${body}${orgCodeCheckChar(body)}`;
  return first17 + usccCheckCharUnchecked(first17);
}
