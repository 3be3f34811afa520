/**
 * GB/T 2260 中华人民共和国行政区划代码 — six-digit administrative division codes.
 *
 * Layout `PPCCDD`: PP province-level unit, CC prefecture (city) within it, DD county (district).
 * Only the *format* is checked (plus the province prefix against the real province-level list):
 * the hub also sees codes that have since been retired (old 身份证 address codes, e.g. 110228
 * 密云县), so no full code table is consulted.
 *
 * Rules applied by {@link validateRegionCode}:
 * - exactly six ASCII digits (after trimming surrounding whitespace);
 * - PP is one of the 34 province-level codes in {@link PROVINCE_CODES};
 * - `PP00DD` with DD ≠ 00 is rejected (a county always sits under a CC, province-administered
 *   county-level units use CC = 90, e.g. 429004 仙桃市);
 * - the four 直辖市 (11 北京, 12 天津, 31 上海, 50 重庆) only use CC = 01 (市辖区) or 02 (县);
 * - 71 台湾, 81 香港, 82 澳门 have no subdivisions in GB/T 2260: only `PP0000`.
 */
import type { Result } from './index.js';

/** Province-level codes (省、自治区、直辖市、特别行政区) of GB/T 2260. */
export const PROVINCE_CODES: readonly string[] = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
];

/** 直辖市: Beijing, Tianjin, Shanghai, Chongqing. */
export const MUNICIPALITY_CODES: readonly string[] = ['11', '12', '31', '50'];

/** Province-level units without subdivisions in GB/T 2260: Taiwan, Hong Kong, Macao. */
const UNDIVIDED_CODES: readonly string[] = ['71', '81', '82'];

/** `CC` used by GB/T 2260 for 省直辖县级行政区划 (e.g. 419001 济源, 429004 仙桃, 469001, 659001 石河子). */
export const PROVINCE_ADMINISTERED_CITY_PART = '90';

export type RegionLevel = 'PROVINCE' | 'CITY' | 'DISTRICT';

const fail = (reason: string): Result => ({ ok: false, reason });

/** Validate a GB/T 2260 code; on success `value` is the trimmed code. */
export function validateRegionCode(s: string): Result {
  const code = s.trim();
  if (!/^\d{6}$/.test(code)) return fail('not a valid 行政区划代码 (must be 6 digits)');
  const province = code.slice(0, 2);
  const city = code.slice(2, 4);
  const district = code.slice(4, 6);
  if (!PROVINCE_CODES.includes(province)) {
    return fail(`not a valid 行政区划代码 (unknown province-level code '${province}')`);
  }
  if (UNDIVIDED_CODES.includes(province) && code !== `${province}0000`) {
    return fail(`not a valid 行政区划代码 (${province}0000 has no subdivisions in GB/T 2260)`);
  }
  if (city === '00' && district !== '00') {
    return fail('not a valid 行政区划代码 (county-level code without a prefecture part)');
  }
  if (MUNICIPALITY_CODES.includes(province) && city !== '00' && city !== '01' && city !== '02') {
    return fail(`not a valid 行政区划代码 (直辖市 ${province}0000 only has prefecture parts 01 and 02)`);
  }
  return { ok: true, value: code };
}

function requireValid(code: string): string {
  const r = validateRegionCode(code);
  if (!r.ok) throw new RangeError(`${code}: ${r.reason}`);
  return r.value;
}

/** Level derived from the code's shape: `PP0000` PROVINCE, `PPCC00` CITY, otherwise DISTRICT. Throws RangeError on an invalid code. */
export function regionLevel(code: string): RegionLevel {
  const c = requireValid(code);
  if (c.endsWith('0000')) return 'PROVINCE';
  if (c.endsWith('00')) return 'CITY';
  return 'DISTRICT';
}

/**
 * The administrative parent, or `null` for a province. Throws RangeError on an invalid code.
 *
 * - DISTRICT `PPCCDD` → CITY `PPCC00`, except where `PPCC00` is only a grouping, not a real
 *   prefecture, in which case the province `PP0000` is returned:
 *   - 省直辖县级行政区划 (CC = 90, e.g. 429004 仙桃市 → 420000, not the pseudo-unit 429000);
 *   - 直辖市 districts/counties (e.g. 110101 东城区 → 110000, not 110100 "市辖区").
 * - CITY `PPCC00` (including the pseudo-units above) → `PP0000`.
 */
export function parentRegionCode(code: string): string | null {
  const c = requireValid(code);
  const province = c.slice(0, 2);
  const city = c.slice(2, 4);
  const level = regionLevel(c);
  if (level === 'PROVINCE') return null;
  if (level === 'CITY') return `${province}0000`;
  if (city === PROVINCE_ADMINISTERED_CITY_PART || MUNICIPALITY_CODES.includes(province)) {
    return `${province}0000`;
  }
  return `${province}${city}00`;
}

/**
 * True when `code` is `ancestorCode` or lies under it in the code hierarchy (prefix semantics:
 * a PROVINCE contains every code with its first two digits, a CITY — pseudo-units such as 110100
 * or 429000 included — every code with its first four). Invalid codes are never within anything.
 */
export function isWithin(code: string, ancestorCode: string): boolean {
  const c = validateRegionCode(code);
  const a = validateRegionCode(ancestorCode);
  if (!c.ok || !a.ok) return false;
  return c.value.startsWith(subtreePrefix(a.value));
}

/** The city a region belongs to (a district's city, or the city itself): `PPCC00`. */
export const cityCodeOf = (code: string): string => `${code.slice(0, 4)}00`;

/** The code prefix every region in `code`'s subtree shares: 33 (province), 3305 (city), 330502 (district). */
export function subtreePrefix(code: string): string {
  const level = regionLevel(code);
  return code.slice(0, level === 'PROVINCE' ? 2 : level === 'CITY' ? 4 : 6);
}
