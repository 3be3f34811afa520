import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { breakingChanges, compose, hubSubgraphs, SUPERGRAPH_PATH, unacknowledged } from './supergraph.js';

const hub = hubSubgraphs();
const composed = (edit: (sdl: string) => string) => {
  const result = compose(hub.map((s) => ({ ...s, sdl: edit(s.sdl) })));
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.supergraphSdl;
};

describe('supergraph composition and checks', () => {
  it('composes the committed supergraph exactly', () => {
    expect(composed((s) => s) + '\n').toBe(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  });

  it('reports a composition error with its code', () => {
    const result = compose([
      ...hub,
      {
        name: 'broken',
        url: 'http://x',
        sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { hospital(code: ID!): Int }',
      },
    ]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join('\n')).toMatch(/FIELD_TYPE_MISMATCH|INVALID_FIELD_SHARING/);
  });

  it('finds a removed field, and nothing for an added one', () => {
    const base = composed((s) => s);
    const removed = composed((s) => s.replace('  bedCount: Int\n  departments', '  departments'));
    expect(breakingChanges(base, removed)).toEqual(['FIELD_REMOVED Hospital.bedCount was removed.']);
    const added = composed((s) => s.replace('  bedCount: Int\n', '  bedCount: Int\n  beds: Int\n'));
    expect(breakingChanges(base, added)).toEqual([]);
  });

  it('accepts a breaking change only when an acknowledgement quotes it', () => {
    const changes = ['FIELD_REMOVED Hospital.bedCount was removed.'];
    expect(unacknowledged(changes, [])).toEqual(changes);
    expect(unacknowledged(changes, ['# why\nFIELD_REMOVED Hospital.bedCount was removed.\n'])).toEqual([]);
    expect(unacknowledged(changes, ['FIELD_REMOVED Hospital.name was removed.'])).toEqual(changes);
  });
});
