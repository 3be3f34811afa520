/**
 * Mainland China mobile numbers (E.164 country code +86, 11-digit numbers 1[3-9]xxxxxxxxx per
 * the MIIT numbering plan) and display masking of personal data (phone numbers, names).
 */
import type { Result } from './index.js';

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Validate a mainland mobile number. Normalisation: trim, drop spaces and hyphens used as
 * separators, drop a leading +86 / 0086 country code. `value` is the bare 11-digit number.
 */
export function validatePhone(s: string): Result {
  let n = s.trim().replace(/[\s-]/g, '');
  if (n.startsWith('+86')) n = n.slice(3);
  else if (n.startsWith('0086')) n = n.slice(4);
  if (!/^\d+$/.test(n)) return { ok: false, reason: 'not a valid mobile number (digits only)' };
  if (n.length !== 11) return { ok: false, reason: `not a valid mobile number (must be 11 digits, got ${n.length})` };
  if (!MOBILE.test(n)) return { ok: false, reason: 'not a valid mobile number (must start with 13–19)' };
  return { ok: true, value: n };
}

/** `13912345678` → `139****5678`. Input that is not a valid mobile number is masked completely. */
export function maskPhone(s: string): string {
  const r = validatePhone(s);
  if (!r.ok) return '*'.repeat(s.trim().length);
  return `${r.value.slice(0, 3)}****${r.value.slice(7)}`;
}

/** Common two-character compound surnames (复姓) kept whole by {@link maskName}. */
export const COMPOUND_SURNAMES: readonly string[] = [
  '欧阳',
  '司马',
  '诸葛',
  '上官',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
];

/**
 * Keep the surname, mask the rest one asterisk per character: `李四` → `李*`, `欧阳娜娜` → `欧阳**`.
 * A compound surname is only recognised when something follows it (`欧阳` alone → `欧*`).
 * Characters are counted as code points; surrounding whitespace is trimmed.
 */
export function maskName(s: string): string {
  const chars = Array.from(s.trim());
  if (chars.length <= 1) return chars.join('');
  const head = chars.slice(0, 2).join('');
  const keep = chars.length > 2 && COMPOUND_SURNAMES.includes(head) ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}
