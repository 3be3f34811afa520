import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import { apiSchema } from '../../scripts/lib/supergraph.js';
import { createAllowList, loadAllowList, sha256Hex } from './persisted.js';

describe('persisted-operation allow-list', () => {
  it('the committed manifest loads, its hashes match, and every operation is valid against the supergraph', () => {
    const list = loadAllowList('gateway/persisted-operations.json');
    const manifest = JSON.parse(readFileSync('gateway/persisted-operations.json', 'utf8')) as {
      clients: Record<string, { operations: { document: string; sha256: string }[] }>;
    };
    const schema = apiSchema(readFileSync('schema/supergraph.graphql', 'utf8'));
    for (const [client, { operations }] of Object.entries(manifest.clients)) {
      for (const op of operations) {
        expect(list.allows(client, op.sha256)).toBe(true);
        expect(
          validate(schema, parse(op.document)).map((e) => e.message),
          op.document,
        ).toEqual([]);
      }
    }
    expect(list.rateLimitOf('demo-feed')).toEqual({ perSecond: 50, burst: 100 });
  });

  it('registrations are per client; a client without an entry may run nothing', () => {
    const list = createAllowList({ clients: { a: { operations: [{ name: 'Q', document: '{ regions { code } }' }] } } });
    const hash = sha256Hex('{ regions { code } }');
    expect(list.allows('a', hash)).toBe(true);
    expect(list.allows('b', hash)).toBe(false);
    expect(list.byHash(hash)?.document).toBe('{ regions { code } }');
    expect(list.allows('a', sha256Hex('{ regions { name } }'))).toBe(false);
  });

  it('a manifest whose stated hash does not match its document is refused at start', () => {
    expect(() => createAllowList({ clients: { a: { operations: [{ name: 'Q', document: '{ x }', sha256: '0'.repeat(64) }] } } })).toThrow(
      /does not match/,
    );
  });
});
