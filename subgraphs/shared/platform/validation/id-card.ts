/**
 * GB 11643-1999 公民身份号码 — 18-character citizen identity numbers.
 *
 * Layout: positions 1–6 address code (GB/T 2260), 7–14 birth date YYYYMMDD, 15–17 sequence
 * (odd = male, even = female), 18 check character (ISO 7064 MOD 11-2).
 *
 * SECURITY: identity numbers are personal data. Failure reasons never echo the number or any of
 * its parts, and {@link maskIdCard} never reveals the birth-date digits (positions 7–14).
 */
import type { Result } from './index.js';
import { validateRegionCode } from './region-code.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * Address codes outside GB/T 2260 that GB 11643-format numbers still carry:
 * 港澳台居民居住证 use 810000 (Hong Kong), 820000 (Macao) and 830000 (Taiwan).
 */
const RESIDENCE_PERMIT_CODES: readonly string[] = ['810000', '820000', '830000'];

const MIN_BIRTH_YEAR = 1900;

export interface IdCardOptions {
  /** "Now" for the not-in-the-future rule (defaults to the current time); compared as a China (UTC+8) calendar date. */
  today?: Date;
}

const fail = (reason: string): Result => ({ ok: false, reason });
const NOT_VALID = 'not a valid 公民身份号码';

/** GB 11643 check character for the first 17 digits. Throws RangeError unless given exactly 17 digits. */
export function idCardCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCardCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/** True when `yyyymmdd` (8 digits) is a real Gregorian calendar date. */
function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** `today` as YYYYMMDD in China Standard Time (UTC+8, no DST). */
function chinaDate(today: Date): string {
  return new Date(today.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Validate a 公民身份号码. Normalisation: trim surrounding whitespace, lowercase `x` → `X`;
 * anything else (inner spaces, 15-digit first-generation numbers) is rejected.
 */
export function validateIdCard(s: string, options: IdCardOptions = {}): Result {
  const id = s.trim().toUpperCase();
  if (id.length === 15 && /^\d{15}$/.test(id)) {
    return fail(`${NOT_VALID} (15-digit first-generation numbers are not accepted; use the 18-character number)`);
  }
  if (id.length !== 18) return fail(`${NOT_VALID} (must be 18 characters, got ${id.length})`);
  if (!/^\d{17}[\dX]$/.test(id)) return fail(`${NOT_VALID} (must be 17 digits followed by a digit or 'X')`);

  const address = id.slice(0, 6);
  if (!RESIDENCE_PERMIT_CODES.includes(address) && !validateRegionCode(address).ok) {
    return fail(`${NOT_VALID} (address code, digits 1–6, is not a GB/T 2260 行政区划代码)`);
  }
  const birth = id.slice(6, 14);
  if (!isCalendarDate(birth)) return fail(`${NOT_VALID} (birth date, digits 7–14, is not a calendar date)`);
  if (Number(birth.slice(0, 4)) < MIN_BIRTH_YEAR) {
    return fail(`${NOT_VALID} (birth year must be ${MIN_BIRTH_YEAR} or later)`);
  }
  if (birth > chinaDate(options.today ?? new Date())) {
    return fail(`${NOT_VALID} (birth date is in the future)`);
  }
  if (idCardCheckChar(id.slice(0, 17)) !== id[17]) {
    return fail(`${NOT_VALID} (check character does not match, GB 11643 MOD 11-2)`);
  }
  return { ok: true, value: id };
}

export interface IdCardParts {
  /** GB/T 2260 address code (or a 港澳台居民居住证 code 810000/820000/830000). */
  regionCode: string;
  /** Birth date `YYYYMMDD`; a real calendar date, year ≥ 1900. Not checked against the clock. */
  birthDate: string;
  /** 顺序码 0–999; odd = male, even = female. */
  sequence: number;
}

/** Build a valid 公民身份号码 for synthetic data. Throws RangeError on invalid parts. */
export function makeIdCard({ regionCode, birthDate, sequence }: IdCardParts): string {
  const regionOk = RESIDENCE_PERMIT_CODES.includes(regionCode) || validateRegionCode(regionCode).ok;
  if (!/^\d{6}$/.test(regionCode) || !regionOk) throw new RangeError(`makeIdCard: invalid regionCode '${regionCode}'`);
  if (!/^\d{8}$/.test(birthDate) || !isCalendarDate(birthDate) || Number(birthDate.slice(0, 4)) < MIN_BIRTH_YEAR) {
    throw new RangeError(`makeIdCard: invalid birthDate '${birthDate}'`);
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new RangeError(`makeIdCard: sequence must be an integer 0–999, got ${sequence}`);
  }
  const first17 = `${regionCode}${birthDate}${String(sequence).padStart(3, '0')}`;
  return first17 + idCardCheckChar(first17);
}

/**
 * Mask for display and logs: first 3 + 11 asterisks + last 4 (`110***********1234`).
 * The birth-date digits 7–14 are never shown. Anything that is not 18 characters after
 * trimming is masked completely (same length) rather than guessed at.
 */
export function maskIdCard(s: string): string {
  const id = s.trim().toUpperCase();
  if (id.length !== 18) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(14)}`;
}
