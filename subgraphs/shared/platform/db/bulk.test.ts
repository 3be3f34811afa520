import { describe, expect, it } from 'vitest';
import { copyText } from './bulk.js';

describe('copyText (COPY text format)', () => {
  it('escapes backslash, tab, newline and carriage return, and nothing else', () => {
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText('平凡的文本, "quoted"')).toBe('平凡的文本, "quoted"');
    expect(copyText(null)).toBe('\\N');
    expect(copyText(12.5)).toBe('12.5');
    expect(copyText(new Date('2025-03-01T00:00:00Z'))).toBe('2025-03-01T00:00:00.000Z');
    expect(copyText(['a"b', 'c'])).toBe('{"a\\\\"b","c"}');
    expect(copyText({ k: 'x\ny' })).toBe('{"k":"x\\\\ny"}');
  });
});
