import { thrownGraphQLError as thrown } from '#testing/errors.js';
import { describe, expect, it } from 'vitest';
import { assertValid, validateFields, validateIdCard, validatePhone, validateUscc } from './index.js';

describe('assertValid', () => {
  it('returns the normalised value', () => {
    expect(assertValid('input.code', validateUscc(' 91350100m000100y43 '))).toBe('91350100M000100Y43');
  });

  it('throws BAD_USER_INPUT naming the field', () => {
    const e = thrown(() => assertValid('input.code', validateUscc('91350100M000100Y44')));
    expect(e.message).toBe("input.code: not a valid 统一社会信用代码 (check digit should be '3')");
    expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.code' });
  });
});

describe('validateFields', () => {
  it('returns all normalised values', () => {
    expect(
      validateFields({
        'input.code': validateUscc('91350100M000100Y43'),
        'input.phone': validatePhone('+86 139 1234 5678'),
      }),
    ).toEqual({ 'input.code': '91350100M000100Y43', 'input.phone': '13912345678' });
  });

  it('collects every failure into one error', () => {
    const e = thrown(() =>
      validateFields({
        'input.code': validateUscc('91350100M000100Y43'),
        'input.idCard': validateIdCard('110105194912310021'),
        'input.phone': validatePhone('123'),
      }),
    );
    expect(e.extensions['code']).toBe('BAD_USER_INPUT');
    expect(e.extensions['field']).toBe('input.idCard');
    expect(e.extensions['fields']).toEqual([
      { field: 'input.idCard', reason: 'not a valid 公民身份号码 (check character does not match, GB 11643 MOD 11-2)' },
      { field: 'input.phone', reason: 'not a valid mobile number (must be 11 digits, got 3)' },
    ]);
    expect(e.message).toBe(
      '2 invalid fields: input.idCard: not a valid 公民身份号码 (check character does not match, GB 11643 MOD 11-2); ' +
        'input.phone: not a valid mobile number (must be 11 digits, got 3)',
    );
  });

  it('uses the single-field message for one failure', () => {
    const e = thrown(() => validateFields({ 'input.phone': validatePhone('123') }));
    expect(e.message).toBe('input.phone: not a valid mobile number (must be 11 digits, got 3)');
    expect(e.extensions['fields']).toHaveLength(1);
  });
});
