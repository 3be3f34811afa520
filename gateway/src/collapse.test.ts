import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '#common/audit/entry.js';
import type { SharedResponse } from './answer-sharing.js';
import type { Identity } from '#common/identity.js';
import type { Admitted } from './admission.js';
import type { AuditSink } from './audit.js';
import { operationCollapsing, QueryDocuments } from './collapse.js';

describe('QueryDocuments.isQuery', () => {
  const docs = new QueryDocuments();
  const multi = 'query Q { a } mutation M { b }';

  it('a single query (named, anonymous or shorthand) is a query', () => {
    expect(docs.isQuery('query Q { a }', null)).toBe(true);
    expect(docs.isQuery('{ a }', null)).toBe(true);
    expect(docs.isQuery('query Q { a }', 'Q')).toBe(true);
  });

  it('a mutation is not', () => {
    expect(docs.isQuery('mutation M { a }', null)).toBe(false);
    expect(docs.isQuery('mutation M { a }', 'M')).toBe(false);
  });

  it('a subscription is not', () => {
    expect(docs.isQuery('subscription S { a }', null)).toBe(false);
  });

  it('a multi-operation document depends on the operation name', () => {
    expect(docs.isQuery(multi, 'Q')).toBe(true);
    expect(docs.isQuery(multi, 'M')).toBe(false);
    expect(docs.isQuery(multi, null)).toBe(false);
    expect(docs.isQuery(multi, 'Missing')).toBe(false);
  });

  it('a name that selects no operation is not a query', () => {
    expect(docs.isQuery('{ a }', 'Q')).toBe(false);
  });

  it('an invalid document is not a query (and stays so when asked again)', () => {
    expect(docs.isQuery('query Q { a', null)).toBe(false);
    expect(docs.isQuery('query Q { a', null)).toBe(false);
    expect(docs.isQuery('', null)).toBe(false);
    expect(docs.isQuery('fragment F on Query { a }', null)).toBe(false);
  });

  it('the parse cache is bounded and keeps answering correctly', () => {
    const small = new QueryDocuments(2);
    const seen = (d: QueryDocuments) => (d as unknown as { parsed: Map<string, unknown> }).parsed;
    expect(small.isQuery('query A { a }', null)).toBe(true);
    expect(small.isQuery('mutation B { b }', null)).toBe(false);
    expect(small.isQuery(multi, 'Q')).toBe(true);
    expect(seen(small).size).toBeLessThanOrEqual(2);
    // Evicted and cached documents alike still get the right answer.
    expect(small.isQuery('query A { a }', null)).toBe(true);
    expect(small.isQuery('mutation B { b }', null)).toBe(false);
    expect(small.isQuery(multi, 'M')).toBe(false);
    expect(small.isQuery(multi, 'Q')).toBe(true);
    expect(seen(small).size).toBeLessThanOrEqual(2);
  });
});

const identity = (patch: Partial<Identity> = {}): Identity => ({
  subject: 'alice',
  clientId: 'portal',
  kind: 'user',
  roles: ['supervisor'],
  regionCode: '330100',
  hospitalCode: null,
  ...patch,
});

type FakeReq = { method: string; url: string; headers: Record<string, string> };
const fakeReq = (over: Partial<FakeReq> = {}): IncomingMessage =>
  ({
    method: 'POST',
    url: '/graphql',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    ...over,
  }) as unknown as IncomingMessage;

function setup() {
  const admittedBy = new Map<IncomingMessage, Admitted>();
  const entries: AuditEntry[] = [];
  const audit: AuditSink = { append: (e) => entries.push(e), flush: async () => undefined };
  const collapse = operationCollapsing({ admitted: (req) => admittedBy.get(req), audit });
  const admit = (req: IncomingMessage, patch: Partial<Identity> = {}, reason: string | null = null): IncomingMessage => {
    admittedBy.set(req, { identity: identity(patch), reason, ip: '10.0.0.1', started: performance.now() });
    return req;
  };
  return { collapse, admit, entries };
}

const query = { query: 'query Q($id: ID) { a(id: $id) }', operationName: 'Q', variables: { id: '1' } };

describe('operationCollapsing key', () => {
  it('is null when the request was not admitted', () => {
    const { collapse } = setup();
    expect(collapse.key(fakeReq(), query)).toBeNull();
  });

  it('is a string for an admitted query', () => {
    const { collapse, admit } = setup();
    expect(typeof collapse.key(admit(fakeReq()), query)).toBe('string');
  });

  it('is null for a mutation, a subscription, a non-object body or a missing document', () => {
    const { collapse, admit } = setup();
    expect(collapse.key(admit(fakeReq()), { query: 'mutation M { a }' })).toBeNull();
    expect(collapse.key(admit(fakeReq()), { query: 'query Q { a } mutation M { b }', operationName: 'M' })).toBeNull();
    expect(collapse.key(admit(fakeReq()), { query: 'subscription S { a }' })).toBeNull();
    expect(collapse.key(admit(fakeReq()), '{"query":"{ a }"}')).toBeNull();
    expect(collapse.key(admit(fakeReq()), undefined)).toBeNull();
    expect(collapse.key(admit(fakeReq()), { extensions: { persistedQuery: { sha256Hash: 'x' } } })).toBeNull();
    expect(collapse.key(admit(fakeReq({ method: 'GET', url: '/graphql?query=mutation%20M%20%7B%20a%20%7D' })), undefined)).toBeNull();
  });

  it('is the same for callers of the same scope with different subjects and clients', () => {
    const { collapse, admit } = setup();
    const a = collapse.key(admit(fakeReq(), { subject: 'alice', clientId: 'portal' }), query);
    const b = collapse.key(admit(fakeReq(), { subject: 'bob', clientId: 'other' }), { ...query });
    expect(a).not.toBeNull();
    expect(b).toBe(a);
  });

  it('differs by scope: region, hospital, roles, kind', () => {
    const { collapse, admit } = setup();
    const base = collapse.key(admit(fakeReq()), query);
    for (const patch of [
      { regionCode: '330102' },
      { hospitalCode: '91330100MA2XXXXX1X' },
      { roles: ['inspector'] as const },
      { kind: 'machine' as const },
    ]) {
      const other = collapse.key(admit(fakeReq(), patch), query);
      expect(other).not.toBeNull();
      expect(other).not.toBe(base);
    }
  });

  it('differs by unmask reason', () => {
    const { collapse, admit } = setup();
    const none = collapse.key(admit(fakeReq()), query);
    const one = collapse.key(admit(fakeReq(), {}, 'case 17'), query);
    const two = collapse.key(admit(fakeReq(), {}, 'case 18'), query);
    expect(new Set([none, one, two]).size).toBe(3);
  });

  it('differs by variables, operation name, document and extensions', () => {
    const { collapse, admit } = setup();
    const doc = 'query Q($id: ID) { a(id: $id) } query R { b }';
    const keys = [
      collapse.key(admit(fakeReq()), { query: doc, operationName: 'Q', variables: { id: '1' } }),
      collapse.key(admit(fakeReq()), { query: doc, operationName: 'Q', variables: { id: '2' } }),
      collapse.key(admit(fakeReq()), { query: doc, operationName: 'R', variables: { id: '1' } }),
      collapse.key(admit(fakeReq()), { query: doc.replace('{ b }', '{ c }'), operationName: 'Q', variables: { id: '1' } }),
      collapse.key(admit(fakeReq()), { query: doc, operationName: 'Q', variables: { id: '1' }, extensions: { x: 1 } }),
    ];
    expect(keys.every((k) => k !== null)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('differs by accept header', () => {
    const { collapse, admit } = setup();
    const json = collapse.key(admit(fakeReq({ headers: { accept: 'application/json' } })), query);
    const gql = collapse.key(admit(fakeReq({ headers: { accept: 'application/graphql-response+json' } })), query);
    const none = collapse.key(admit(fakeReq({ headers: {} })), query);
    expect(json).not.toBeNull();
    expect(new Set([json, gql, none]).size).toBe(3);
  });

  it('differs by the headers CSRF prevention checks on a GET (preflight, operation name, content type)', () => {
    const { collapse, admit } = setup();
    const get = (headers: Record<string, string>) =>
      collapse.key(admit(fakeReq({ method: 'GET', url: '/graphql?query=%7B%20a%20%7D', headers })), undefined);
    const keys = [
      get({}),
      get({ 'apollo-require-preflight': 'true' }),
      get({ 'x-apollo-operation-name': 'A' }),
      get({ 'content-type': 'text/html' }),
    ];
    expect(keys.every((k) => k !== null)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('differs between GET and POST of the same operation; GET keys on its URL', () => {
    const { collapse, admit } = setup();
    const search = new URLSearchParams({ query: query.query, operationName: 'Q', variables: JSON.stringify(query.variables) });
    const get = collapse.key(admit(fakeReq({ method: 'GET', url: `/graphql?${search}` })), undefined);
    const post = collapse.key(admit(fakeReq()), query);
    expect(get).not.toBeNull();
    expect(post).not.toBeNull();
    expect(get).not.toBe(post);
    const search2 = new URLSearchParams({ query: query.query, operationName: 'Q', variables: JSON.stringify({ id: '2' }) });
    expect(collapse.key(admit(fakeReq({ method: 'GET', url: `/graphql?${search2}` })), undefined)).not.toBe(get);
    expect(collapse.key(admit(fakeReq({ method: 'GET', url: `/graphql?${search}` }), { subject: 'bob' }), undefined)).toBe(get);
  });
});

describe('operationCollapsing shared', () => {
  const leaderEntry: AuditEntry = {
    time: new Date(0),
    source: 'gateway',
    requestId: 'leader-1',
    subject: 'alice',
    clientId: 'portal',
    roles: ['supervisor'],
    ip: '10.0.0.9',
    operationType: 'query',
    operationName: 'Q',
    operationHash: 'abc123',
    hospitals: ['91330100MA2XXXXX1X'],
    records: 7,
    outcome: 'ok',
    status: 200,
    errorCodes: [],
    durationMs: 12,
    unmaskReason: null,
    unmaskedFields: [],
    detail: null,
  };
  const response = (meta: unknown): SharedResponse => ({
    status: 200,
    headers: [['content-type', 'application/json']],
    body: Buffer.from('{"data":{"a":1}}'),
    leaderRequestId: 'leader-1',
    meta,
  });

  it("appends the follower's own entry carrying the leader's operation and records", () => {
    const { collapse, admit, entries } = setup();
    const req = admit(fakeReq(), { subject: 'bob', clientId: 'desk' });
    collapse.shared!(req, 'follower-2', response(leaderEntry));
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry.requestId).toBe('follower-2');
    expect(entry.subject).toBe('bob');
    expect(entry.clientId).toBe('desk');
    expect(entry.ip).toBe('10.0.0.1');
    expect(entry.operationName).toBe('Q');
    expect(entry.operationType).toBe('query');
    expect(entry.operationHash).toBe('abc123');
    expect(entry.records).toBe(7);
    expect(entry.hospitals).toEqual(['91330100MA2XXXXX1X']);
    expect(entry.detail).toEqual({ sharedWith: 'leader-1' });
    expect(entry.time.getTime()).toBeGreaterThan(0);
    // The leader's entry is left as it was.
    expect(leaderEntry.requestId).toBe('leader-1');
    expect(leaderEntry.subject).toBe('alice');
    expect(leaderEntry.detail).toBeNull();
    expect(collapse.followers()).toBe(1);
  });

  it("keeps the leader's detail alongside sharedWith", () => {
    const { collapse, admit, entries } = setup();
    collapse.shared!(admit(fakeReq()), 'f', response({ ...leaderEntry, detail: { partial: true } }));
    expect(entries[0]!.detail).toEqual({ partial: true, sharedWith: 'leader-1' });
  });

  it('still audits a follower when the leader left no entry', () => {
    const { collapse, admit, entries } = setup();
    collapse.shared!(admit(fakeReq(), { subject: 'carol' }), 'f-3', { ...response(undefined), status: 500 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      requestId: 'f-3',
      subject: 'carol',
      operationName: null,
      records: 0,
      status: 500,
      outcome: 'error',
      detail: { sharedWith: 'leader-1' },
    });
  });

  it('writes nothing for a request that was not admitted', () => {
    const { collapse, entries } = setup();
    collapse.shared!(fakeReq(), 'x', response(leaderEntry));
    expect(entries).toEqual([]);
    expect(collapse.followers()).toBe(0);
  });

  it('meta is undefined for a request GraphQL never ran', () => {
    const { collapse, admit } = setup();
    expect(collapse.meta!(admit(fakeReq()))).toBeUndefined();
  });
});
