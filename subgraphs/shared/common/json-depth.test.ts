import { describe, expect, it } from 'vitest';
import { jsonTooDeep } from './json-depth.js';

const nested = (levels: number, open = '[', close = ']') => open.repeat(levels) + close.repeat(levels);

describe('jsonTooDeep', () => {
  it('counts the root as level 1 and allows exactly max levels', () => {
    expect(jsonTooDeep(nested(3), 3)).toBeNull();
    expect(jsonTooDeep(nested(4), 3)).toEqual({ member: null });
    expect(jsonTooDeep('{"a":{"b":{}}}', 3)).toBeNull();
    expect(jsonTooDeep('{"a":{"b":{"c":{}}}}', 3)).toEqual({ member: 'a' });
  });

  it('names the root object member the deep value is in, after shallow members', () => {
    const body = `{"query":"{ __typename }","operationName":"Q","variables":{"x":1},"extensions":{"a":${nested(100)}}}`;
    expect(jsonTooDeep(body, 64)).toEqual({ member: 'extensions' });
    const objects = `{"query":"q","variables":{"input":${'{"k":'.repeat(70)}1${'}'.repeat(70)}}}`;
    expect(JSON.parse(objects)).toBeTruthy();
    expect(jsonTooDeep(objects, 64)).toEqual({ member: 'variables' });
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ query: '['.repeat(500) + '"\\' + '{'.repeat(500) });
    expect(jsonTooDeep(inString, 4)).toBeNull();
    expect(JSON.parse(inString)).toBeTruthy();
    expect(jsonTooDeep(`{"a\\"[[[[":"x","b":${nested(5)}}`, 4)).toEqual({ member: 'b' });
    expect(jsonTooDeep(`{"we\\u0069rd \\"name\\"":${nested(5)}}`, 4)).toEqual({ member: 'weird "name"' });
  });

  it('siblings do not add up: depth is how deep, not how many', () => {
    const wide = `{"variables":{"list":[${Array.from({ length: 1_000 }, () => nested(10)).join(',')}]}}`;
    expect(jsonTooDeep(wide, 64)).toBeNull();
  });

  it('scans the nesting an attacker sends (5,000 levels) without recursion', () => {
    const body = `{"query":"{ __typename }","variables":{"a":${nested(5_000)}}}`;
    expect(jsonTooDeep(body, 64)).toEqual({ member: 'variables' });
  });
});
