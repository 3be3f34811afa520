import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalEntry, canonicalJson, GENESIS_HASH, hashAvailable, hashEntry } from './chain.js';
import { normalizeEntry, type AuditEntry } from './entry.js';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: new Date('2026-05-01T08:30:00.123Z'),
  source: 'gateway',
  requestId: 'req-1',
  subject: 'user-1',
  clientId: 'console',
  roles: ['supervisor'],
  ip: '10.0.0.7',
  operationType: 'query',
  operationName: 'Hospitals',
  operationHash: 'a'.repeat(64),
  hospitals: ['12330500MB0000001X'],
  records: 20,
  outcome: 'ok',
  status: 200,
  errorCodes: [],
  durationMs: 12,
  unmaskReason: null,
  unmaskedFields: [],
  detail: { b: 1, a: { d: [1, 'x'], c: null } },
  ...over,
});

describe('audit hash chain', () => {
  it('offers sm3 and sha256 on this Node', () => {
    expect(hashAvailable('sm3')).toBe(true);
    expect(hashAvailable('sha256')).toBe(true);
  });

  it('hashes with the named algorithm over the canonical form (64 hex characters)', () => {
    for (const alg of ['sm3', 'sha256'] as const) {
      const text = canonicalEntry(alg, GENESIS_HASH, 1, entry());
      const expected = createHash(alg).update(text, 'utf8').digest('hex');
      expect(hashEntry(alg, GENESIS_HASH, 1, entry())).toBe(expected);
      expect(expected).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(hashEntry('sm3', GENESIS_HASH, 1, entry())).not.toBe(hashEntry('sha256', GENESIS_HASH, 1, entry()));
  });

  it('has a stable canonical form (pinned), independent of key order in detail', () => {
    const text = canonicalEntry('sm3', GENESIS_HASH, 7, entry());
    expect(text).toBe(
      `["ih-audit/1","sm3","7","${GENESIS_HASH}","2026-05-01T08:30:00.123Z","gateway","req-1","user-1","console",["supervisor"],"10.0.0.7",` +
        `"query","Hospitals","${'a'.repeat(64)}",["12330500MB0000001X"],20,"ok",200,[],12,null,[],{"a":{"c":null,"d":[1,"x"]},"b":1}]`,
    );
    expect(canonicalEntry('sm3', GENESIS_HASH, 7, entry({ detail: { a: { d: [1, 'x'], c: null }, b: 1 } }))).toBe(text);
    // pinned digests: a change to the canonical form must be a new format tag, never a silent change
    expect(hashEntry('sm3', GENESIS_HASH, 7, entry())).toBe(createHash('sm3').update(text).digest('hex'));
    expect(hashEntry('sm3', GENESIS_HASH, 7, entry())).toBe('6e7244987af2e1e329d082e7bf32e12152ab356eee5dbdcd4f9714c2d22d8094');
    expect(hashEntry('sha256', GENESIS_HASH, 7, entry())).toBe('3814be59604a58dc86cb173cdfbef30988a412be20a6f4524552b925e33d91e5');
    expect(canonicalJson({ z: 1, a: [{ y: 2, b: 3 }] })).toBe('{"a":[{"b":3,"y":2}],"z":1}');
  });

  it('changes when any field, the seq, the previous hash or the algorithm changes', () => {
    const base = hashEntry('sm3', GENESIS_HASH, 1, entry());
    const variants: Partial<AuditEntry>[] = [
      { time: new Date('2026-05-01T08:30:00.124Z') },
      { source: 'directory' },
      { requestId: null },
      { subject: 'user-2' },
      { clientId: null },
      { roles: ['supervisor', 'analyst'] },
      { roles: [] },
      { ip: '10.0.0.8' },
      { operationType: 'mutation' },
      { operationName: 'Hospital' },
      { operationHash: 'b'.repeat(64) },
      { hospitals: [] },
      { records: 21 },
      { outcome: 'error' },
      { status: 500 },
      { status: null },
      { errorCodes: ['FORBIDDEN'] },
      { durationMs: 13 },
      { unmaskReason: 'case 42' },
      { unmaskedFields: ['Staff.phone'] },
      { detail: null },
      { detail: { b: 2, a: { d: [1, 'x'], c: null } } },
      { detail: {} },
    ];
    const hashes = new Set([base]);
    for (const v of variants) hashes.add(hashEntry('sm3', GENESIS_HASH, 1, entry(v)));
    expect(hashes.size).toBe(variants.length + 1);
    expect(hashEntry('sm3', GENESIS_HASH, 2, entry())).not.toBe(base);
    expect(hashEntry('sm3', '1'.repeat(64), 1, entry())).not.toBe(base);
    // null and the string "null" differ; an empty list and a missing value differ
    expect(hashEntry('sm3', GENESIS_HASH, 1, entry({ subject: 'null' }))).not.toBe(
      hashEntry('sm3', GENESIS_HASH, 1, entry({ subject: null })),
    );
  });

  it('hashes the entry as it will be stored and read back (normalised)', () => {
    const raw = entry({
      subject: 'a\u0000b',
      durationMs: 12.4,
      records: -3,
      detail: { when: new Date('2026-01-01T00:00:00Z'), skip: undefined, n: -0 },
    });
    const stored = normalizeEntry(raw);
    expect(stored).toMatchObject({ subject: 'ab', durationMs: 12, records: 0, detail: { when: '2026-01-01T00:00:00.000Z', n: 0 } });
    expect(hashEntry('sha256', GENESIS_HASH, 1, raw)).toBe(hashEntry('sha256', GENESIS_HASH, 1, stored));
    expect(normalizeEntry(stored)).toEqual(stored);
    // a cycle in detail is cut off, not a crash
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => hashEntry('sm3', GENESIS_HASH, 1, entry({ detail: cyclic }))).not.toThrow();
  });

  it('refuses an unknown algorithm', () => {
    expect(() => hashEntry('md5' as 'sm3', GENESIS_HASH, 1, entry())).toThrow(/unknown audit hash algorithm/);
  });
});
