import { describe, expect, it } from 'vitest';
import { addDecimals, multiplyDecimals } from './decimal.js';

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

describe('multiplyDecimals', () => {
  it('multiplies exactly and rounds half away from zero to the scale', () => {
    expect(multiplyDecimals('3', '0.335', 2)).toBe('1.01'); // 1.005 in floating point is 1.00499…
    expect(multiplyDecimals('3', '0.3335', 2)).toBe('1');
    expect(multiplyDecimals('1.5', '2', 2)).toBe('3');
    expect(multiplyDecimals('-3', '0.335', 2)).toBe('-1.01');
    expect(multiplyDecimals('12345678901.123', '1234.5678', 2)).toBe('15241577640465.84');
  });
});
