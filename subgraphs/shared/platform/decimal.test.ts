import { describe, expect, it } from 'vitest';
import { addDecimals } from './decimal.js';

describe('addDecimals', () => {
  it('adds exactly where floating point would not', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('12345678901234567.89', '0.11')).toBe('12345678901234568');
    expect(addDecimals('12.50', '0.5')).toBe('13');
    expect(addDecimals('-1.25', '1')).toBe('-0.25');
    expect(addDecimals('0', '0')).toBe('0');
  });
  it('refuses text that is not a decimal', () => {
    expect(() => addDecimals('1e5', '1')).toThrow(/not a decimal/);
  });
});
