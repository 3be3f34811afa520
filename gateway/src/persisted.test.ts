import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    for (const kind of ['ocds', 'orders', 'agreements', 'sanctions'])
      expect(list.allowsFeed('demo-feed', `procurement/${kind}`)).toBe(true);
    expect(list.allowsFeed('demo-feed', 'directory/hospitals')).toBe(false);
    expect(list.feedLimitsOf('demo-feed')).toBeUndefined();
  });

  it('feeds are per client, with optional own limits; a client may list feeds and no operations', () => {
    const list = createAllowList({
      clients: { a: { feeds: ['procurement/ocds'], feedLimits: { maxBytes: 1024, perMinute: 2 } }, b: { operations: [] } },
    });
    expect(list.allowsFeed('a', 'procurement/ocds')).toBe(true);
    expect(list.allowsFeed('a', 'procurement/orders')).toBe(false);
    expect(list.allowsFeed('b', 'procurement/ocds')).toBe(false);
    expect(list.allowsFeed('nobody', 'procurement/ocds')).toBe(false);
    expect(list.feedLimitsOf('a')).toEqual({ maxBytes: 1024, perMinute: 2 });
    expect(list.feedLimitsOf('b')).toBeUndefined();
  });

  it('a manifest naming a feed not as <subgraph>/<kind>, or with a bad limit, is refused at start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ih-manifest-'));
    const write = (client: unknown) => {
      const path = join(dir, `${Math.random()}.json`);
      writeFileSync(path, JSON.stringify({ clients: { a: client } }));
      return path;
    };
    expect(() => loadAllowList(write({ feeds: ['procurement'] }))).toThrow(/clients\.a\.feeds\.0: a feed is "<subgraph>\/<kind>"/);
    expect(() => loadAllowList(write({ feeds: ['procurement/ocds/x'] }))).toThrow(/feeds\.0/);
    expect(() => loadAllowList(write({ feeds: [], feedLimits: { maxBytes: 0 } }))).toThrow(/feedLimits\.maxBytes/);
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
