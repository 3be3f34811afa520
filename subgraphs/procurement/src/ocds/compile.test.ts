import { describe, expect, it } from 'vitest';
import { compileReleases, copyJson, mergeOrder, mergeReleases, type JsonObject } from './compile.js';
import { awardRelease, contractRelease, tenderRelease } from './test-releases.js';

const release = (id: string, date: string, body: JsonObject): JsonObject => ({ ocid: 'o1', id, date, tag: ['tender'], ...body });

describe('compileReleases', () => {
  it('lets the later release win per field and merges objects recursively', () => {
    const compiled = compileReleases([
      release('r1', '2025-01-01T00:00:00Z', { tender: { title: 'A', status: 'active', value: { amount: 10, currency: 'CNY' } } }),
      release('r2', '2025-01-02T00:00:00Z', { tender: { status: 'complete', value: { amount: 12 } } }),
    ]);
    expect(compiled).toEqual({
      ocid: 'o1',
      date: '2025-01-02T00:00:00Z',
      tag: ['compiled'],
      tender: { title: 'A', status: 'complete', value: { amount: 12, currency: 'CNY' } },
    });
  });

  it('gives the same record when a later-dated release arrives first', () => {
    const inOrder = compileReleases([tenderRelease(), awardRelease(), contractRelease()]);
    const outOfOrder = compileReleases([contractRelease(), awardRelease(), tenderRelease()]);
    expect(outOfOrder).toEqual(inOrder);
    expect((inOrder['tender'] as JsonObject)['status']).toBe('complete');
    expect(inOrder['date']).toBe('2025-04-20T10:00:00+08:00');
  });

  it('changes nothing for a duplicate release (same id)', () => {
    const once = compileReleases([tenderRelease(), awardRelease()]);
    expect(compileReleases([tenderRelease(), awardRelease(), awardRelease()])).toEqual(once);
    expect(compileReleases([tenderRelease(), awardRelease(), tenderRelease()])).toEqual(once);
  });

  it('merges arrays of objects by id: same ids merged, new ids appended', () => {
    const compiled = compileReleases([
      release('r1', '2025-01-01T00:00:00Z', {
        awards: [
          { id: 'a1', status: 'pending', value: { amount: 5 } },
          { id: 'a2', status: 'pending' },
        ],
      }),
      release('r2', '2025-01-02T00:00:00Z', {
        awards: [
          { id: 'a2', status: 'active' },
          { id: 'a3', status: 'pending' },
        ],
      }),
    ]);
    expect(compiled['awards']).toEqual([
      { id: 'a1', status: 'pending', value: { amount: 5 } },
      { id: 'a2', status: 'active' },
      { id: 'a3', status: 'pending' },
    ]);
  });

  it('replaces arrays of strings, arrays without ids and wholeListMerge fields whole', () => {
    const compiled = compileReleases([
      release('r1', '2025-01-01T00:00:00Z', {
        parties: [{ id: 'p', roles: ['tenderer'], additionalIdentifiers: [{ id: 'x1', scheme: 'S' }] }],
        tender: { deliveryAddresses: [{ locality: 'A' }], submissionMethod: ['electronicSubmission', 'inPerson'] },
      }),
      release('r2', '2025-01-02T00:00:00Z', {
        parties: [{ id: 'p', roles: ['supplier'], additionalIdentifiers: [{ id: 'x2', scheme: 'S' }] }],
        tender: { deliveryAddresses: [{ locality: 'B' }], submissionMethod: ['written'] },
      }),
    ]);
    expect(compiled['parties']).toEqual([{ id: 'p', roles: ['supplier'], additionalIdentifiers: [{ id: 'x2', scheme: 'S' }] }]);
    expect(compiled['tender']).toEqual({ deliveryAddresses: [{ locality: 'B' }], submissionMethod: ['written'] });
  });

  it('removes a field given as null', () => {
    const compiled = compileReleases([
      release('r1', '2025-01-01T00:00:00Z', { tender: { title: 'A', description: 'x' } }),
      release('r2', '2025-01-02T00:00:00Z', { tender: { description: null } }),
    ]);
    expect(compiled['tender']).toEqual({ title: 'A' });
  });

  it('orders equal dates by release id and does not change its input', () => {
    const a = release('b', '2025-01-01T00:00:00Z', { tender: { title: 'from b' } });
    const b = release('a', '2025-01-01T00:00:00Z', { tender: { title: 'from a' } });
    expect(mergeOrder([a, b]).map((r) => r['id'])).toEqual(['a', 'b']);
    expect((compileReleases([a, b])['tender'] as JsonObject)['title']).toBe('from b');
    expect((compileReleases([b, a])['tender'] as JsonObject)['title']).toBe('from b');
    expect(a['tender']).toEqual({ title: 'from b' });
  });

  it('compiles a lone release as the merge would, sharing its members only when merging would change nothing', () => {
    const plain = tenderRelease();
    const shared = compileReleases([plain]);
    expect(shared).toEqual(mergeReleases([plain]));
    expect(shared['tender']).toBe(plain['tender']);
    // each of these would be changed by the merge: a null member, a repeated id in a list merged by id
    const withNull = release('r1', '2025-01-01T00:00:00Z', { tender: { title: 'A', description: null } });
    const repeated = release('r1', '2025-01-01T00:00:00Z', {
      awards: [
        { id: 'a1', status: 'pending' },
        { id: 'a1', value: { amount: 3 } },
      ],
    });
    for (const r of [withNull, repeated]) expect(compileReleases([r])).toEqual(mergeReleases([r]));
    expect(compileReleases([withNull])['tender']).toEqual({ title: 'A' });
    expect(compileReleases([repeated])['awards']).toEqual([{ id: 'a1', status: 'pending', value: { amount: 3 } }]);
  });

  it('drops __proto__ members instead of touching any prototype', () => {
    const hostile = JSON.parse(
      '{"ocid":"o1","id":"r1","date":"2025-01-01T00:00:00Z","tender":{"__proto__":{"polluted":true},"title":"A"}}',
    ) as JsonObject;
    const compiled = compileReleases([hostile]);
    expect(copyJson(hostile)).toEqual({ ...hostile, tender: { title: 'A' } });
    // objects made by the module (the test file may run in another realm)
    expect('polluted' in compiled).toBe(false);
    expect('polluted' in (compiled['tender'] as JsonObject)).toBe(false);
    expect(compiled['tender']).toEqual({ title: 'A' });
  });
});
