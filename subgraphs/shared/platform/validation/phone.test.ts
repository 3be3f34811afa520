import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, validatePhone } from './phone.js';

describe('validatePhone', () => {
  it.each(['13912345678', '15000000000', '18612345678', '19912345678', '16612345678', '17012345678'])('accepts %s', (n) => {
    expect(validatePhone(n)).toEqual({ ok: true, value: n });
  });

  it('normalises separators and the +86 / 0086 country code', () => {
    for (const s of [' 13912345678 ', '139 1234 5678', '139-1234-5678', '+8613912345678', '+86 139 1234 5678', '008613912345678']) {
      expect(validatePhone(s)).toEqual({ ok: true, value: '13912345678' });
    }
  });

  it('rejects wrong lengths, prefixes and characters', () => {
    expect(validatePhone('1391234567')).toEqual({ ok: false, reason: 'not a valid mobile number (must be 11 digits, got 10)' });
    expect(validatePhone('139123456789')).toMatchObject({ ok: false });
    expect(validatePhone('12912345678')).toEqual({ ok: false, reason: 'not a valid mobile number (must start with 13–19)' });
    expect(validatePhone('10012345678')).toMatchObject({ ok: false });
    expect(validatePhone('23912345678')).toMatchObject({ ok: false });
    expect(validatePhone('1391234567a')).toEqual({ ok: false, reason: 'not a valid mobile number (digits only)' });
    expect(validatePhone('010-12345678')).toMatchObject({ ok: false });
    expect(validatePhone('')).toMatchObject({ ok: false });
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('+86 139-1234-5678')).toBe('139****5678');
  });
  it('masks invalid input completely', () => {
    expect(maskPhone('1391234567')).toBe('**********');
    expect(maskPhone('')).toBe('');
  });
});

describe('maskName', () => {
  it('keeps the single-character surname', () => {
    expect(maskName('李四')).toBe('李*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName(' 王小明 ')).toBe('王**');
  });

  it('keeps a compound surname', () => {
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('司马光')).toBe('司马*');
    expect(maskName('诸葛亮')).toBe('诸葛*');
    expect(maskName('令狐冲')).toBe('令狐*');
  });

  it('treats a two-character name as surname + given name', () => {
    expect(maskName('欧阳')).toBe('欧*');
  });

  it('handles edge cases', () => {
    expect(maskName('李')).toBe('李');
    expect(maskName('')).toBe('');
    expect(maskName('𠀋一')).toBe('𠀋*'); // astral-plane character counts as one
  });
});
