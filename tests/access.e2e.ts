import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { FEED_CLIENT, startStack, type Stack } from './helpers/stack.js';
import { CITY, DISTRICTS, loadDirectory, OTHER_DISTRICT, PROVINCE } from './helpers/fixtures.js';
import { probe } from './helpers/probe.js';
import { gql, type GraphQLResponse } from './helpers/graphql.js';
import { identityOf } from './helpers/identities.js';
import { createIdentitySigner } from '#common/identity-signature.js';
import { IDENTITY_HEADER } from '#common/identity.js';
import { apiSchema } from '../scripts/lib/supergraph.js';
import { rootFieldMatrix } from './helpers/access-matrix.js';
import { hubRoles, type HubRole } from '#common/identity.js';
import { readFileSync } from 'node:fs';
import { sha256Hex } from '../gateway/src/persisted.js';
import { UNMASK_REASON_HEADER } from '../gateway/src/admission.js';
import { createManualClock } from './helpers/clock.js';

/**
 * docs/identity.md and docs/security.md, end to end through the gateway with real tokens: row scope per role
 * on every root field and on entity references (IDOR), field rules (analysts get aggregates only),
 * masking and audited unmasking, 三员 separation, machine clients' allow-list and rate limit, and
 * subgraphs refusing anything the gateway did not sign.
 */
let stack: Stack;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
let own: { code: string; regionCode: string };
let staffOf: (hospitalCode: string) => Promise<string>;
const manifestDir = mkdtempSync(join(tmpdir(), 'ih-persisted-'));
const SLOW_FEED = 'slow-feed';
const SLOW_FEED_LIMIT = { perSecond: 1, burst: 2 };
/** The gateway's rate-limit clock: buckets refill only when a test advances it. */
const clock = createManualClock();
/** Long enough for any bucket of SLOW_FEED to be full again. */
const REFILL_MS = (SLOW_FEED_LIMIT.burst / SLOW_FEED_LIMIT.perSecond) * 1000;

beforeAll(async () => {
  // A machine client with its own (tight) rate limit and one registered operation.
  const manifest = join(manifestDir, 'persisted.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      clients: { [SLOW_FEED]: { rateLimit: SLOW_FEED_LIMIT, operations: [{ name: 'Regions', document: '{ regions { code } }' }] } },
    }),
  );
  // Time stands still for the limiter unless a test advances it: everyone else gets a bucket that a
  // whole file of requests cannot empty (SLOW_FEED's own limit is the one under test).
  stack = await startStack({
    extra: [probe],
    gatewayEnv: { PERSISTED_OPERATIONS_PATH: manifest, RATE_LIMIT_BURST: '100000' },
    clock: clock.now,
  });
  fixture = await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 50, departmentsEach: 2, staffEach: 1 });
  own = fixture.hospitals[0]!;
  const { idp } = stack;
  idp.addAccount({ username: 'sup-city', password: 'x', roles: ['supervisor'], regionCode: CITY });
  idp.addAccount({ username: 'sup-district', password: 'x', roles: ['supervisor'], regionCode: DISTRICTS[0] });
  idp.addAccount({ username: 'inspector', password: 'x', roles: ['inspector'], regionCode: CITY });
  idp.addAccount({ username: 'officer', password: 'x', roles: ['hospital-officer'], hospitalCode: own.code });
  idp.addAccount({ username: 'analyst', password: 'x', roles: ['analyst'], regionCode: PROVINCE });
  idp.addAccount({ username: 'sysadmin', password: 'x', roles: ['system-admin'] });
  idp.addAccount({ username: 'secadmin', password: 'x', roles: ['security-admin'] });
  idp.addAccount({ username: 'auditadmin', password: 'x', roles: ['audit-admin'] });
  idp.addAccount({ username: 'mixed', password: 'x', roles: ['audit-admin', 'supervisor'], regionCode: CITY });
  idp.addAccount({ username: 'nobody', password: 'x', roles: [] });
  idp.addMachineClient({ clientId: SLOW_FEED, secret: 's', roles: ['machine-client'], regionCode: CITY });
  const pool = stack.subgraphs.directory!.db.pool;
  staffOf = async (code) =>
    (await pool.query<{ id: string }>('SELECT id FROM directory.staff WHERE hospital_code = $1 LIMIT 1', [code])).rows[0]!.id;
});
afterAll(() => stack?.stop());

const codes = (where: (h: { regionCode: string }) => boolean) =>
  fixture.hospitals
    .filter(where)
    .map((h) => h.code)
    .sort();
const errorCodes = (res: GraphQLResponse<unknown>) => (res.body.errors ?? []).map((e) => e.extensions?.code);
const as = (who: string) => (who === FEED_CLIENT ? stack.feed : stack.as(who));

describe('authentication at the gateway', () => {
  it('no token, a malformed or a foreign token: 401 with WWW-Authenticate, no reason shown', async () => {
    const foreign = `${(await stack.token('sup-city')).split('.').slice(0, 2).join('.')}.${Buffer.from('x'.repeat(256)).toString('base64url')}`;
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${foreign}`, 'Basic dXNlcjpwYXNz']) {
      const res = await gql(stack.gatewayUrl, '{ regions { code } }', undefined, authorization ? { authorization } : {});
      expect(res.status, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      expect(res.body.errors).toEqual([{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }]);
    }
  });
});

describe('row scope: each role sees its region subtree or its hospital, nothing else', () => {
  const HOSPITALS = '{ hospitals(first: 100) { totalCount nodes { code } } }';
  it.each([
    ['sup-city', (h: { regionCode: string }) => h.regionCode.startsWith('3305')],
    ['sup-district', (h: { regionCode: string }) => h.regionCode === DISTRICTS[0]],
    ['inspector', (h: { regionCode: string }) => h.regionCode.startsWith('3305')],
    ['analyst', () => true],
    [FEED_CLIENT, () => true],
  ])('%s: hospitals list and totalCount', async (who, inScope) => {
    const res = await as(who)<{ hospitals: { totalCount: number; nodes: { code: string }[] } }>(HOSPITALS);
    expect(res.body.errors).toBeUndefined();
    const expected = codes(inScope);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.body.data!.hospitals.nodes.map((h) => h.code).sort()).toEqual(expected);
    expect(res.body.data!.hospitals.totalCount).toBe(expected.length);
  });

  it('a hospital officer sees exactly their own hospital, its departments and staff', async () => {
    const res = await stack.as('officer')<{
      hospitals: { nodes: { code: string }[] };
      departments: { totalCount: number };
      staff: { totalCount: number };
    }>('{ hospitals { nodes { code } } departments { totalCount } staff { totalCount } }');
    expect(res.body.data!.hospitals.nodes).toEqual([{ code: own.code }]);
    expect(res.body.data!.departments.totalCount).toBe(2);
    expect(res.body.data!.staff.totalCount).toBe(2);
  });

  it('look-ups by key outside the scope resolve to null, never data', async () => {
    const outside = fixture.hospitals.find((h) => h.regionCode === OTHER_DISTRICT)!.code;
    const department = fixture.departments.find((d) => d.hospitalCode === outside)!.id;
    const staff = await staffOf(outside);
    const q = `{ hospital(code: "${outside}") { name } department(id: "${department}") { name } staffMember(id: "${staff}") { employeeNo } }`;
    const res = await stack.as('sup-city')(q);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ hospital: null, department: null, staffMember: null });
    // The same ids are visible to the province-wide default user: the nulls are scope, not absence.
    const wide = await stack.query<{ hospital: { name: string } | null }>(q);
    expect(wide.body.data!.hospital).not.toBeNull();
  });

  it('entity references (_entities) from another subgraph: out of scope resolves to null (IDOR)', async () => {
    const inside = own.code;
    const outside = fixture.hospitals.find((h) => h.regionCode === OTHER_DISTRICT)!.code;
    for (const who of ['sup-city', 'officer']) {
      const res = await stack.as(who)<{ watchlist: ({ code: string; name: string } | null)[] }>(
        'query W($c: [ID!]!) { watchlist(codes: $c) { code name } }',
        { c: [inside, outside, fixture.hospitals[1]!.code] },
      );
      const [first, second, third] = res.body.data!.watchlist;
      expect(first).toMatchObject({ code: inside });
      expect(second).toBeNull();
      // hospitals[1] is in the city (330503) but not the officer's hospital.
      if (who === 'officer') expect(third).toBeNull();
      else expect(third).toMatchObject({ code: fixture.hospitals[1]!.code });
    }
  });
});

describe('field rules declared in the SDL', () => {
  it('analysts get aggregates only: counts yes, individual staff no', async () => {
    const analyst = stack.as('analyst');
    const counts = await analyst<{ staff: { totalCount: number }; hospital: { staffCount: number } }>(
      `{ staff { totalCount } hospital(code: "${own.code}") { staffCount } }`,
    );
    expect(counts.body.errors).toBeUndefined();
    expect(counts.body.data!.staff.totalCount).toBe(fixture.staffCount);
    const people = await analyst(`{ staff(first: 1) { nodes { name } } }`);
    expect(errorCodes(people)).toEqual(['FORBIDDEN']);
    expect(people.body.errors![0]!.extensions).toMatchObject({ field: 'StaffConnection.nodes' });
    expect(JSON.stringify(people.body.data)).not.toContain('张');
  });

  it('administrators (三员) read no business data; only the audit administrator reads the audit log', async () => {
    for (const admin of ['sysadmin', 'secadmin', 'auditadmin']) {
      const res = await stack.as(admin)('{ hospitals { totalCount } }');
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.body.data ?? null).toBeNull();
    }
    for (const who of ['sup-city', 'inspector', 'sysadmin', 'secadmin']) {
      expect(errorCodes(await stack.as(who)('{ auditLog(first: 1) { edges { node { seq } } } }'))).toEqual(['FORBIDDEN']);
    }
    await stack.gateway.audit.flush();
    const audit = await stack.as('auditadmin')<{
      auditLog: { edges: { node: { outcome: string } }[] };
      auditChain: { ok: boolean; rows: number };
    }>('{ auditLog(first: 5, filter: { outcome: REFUSED }) { edges { node { seq operationName outcome } } } auditChain { ok rows } }');
    expect(audit.body.errors).toBeUndefined();
    expect(audit.body.data!.auditLog.edges.length).toBeGreaterThan(0); // the refused requests above are in the log
    expect(audit.body.data!.auditChain).toMatchObject({ ok: true });
    expect(audit.body.data!.auditChain.rows).toBeGreaterThan(10);
  });

  it('a valid token combining an administrator role with a business role, or with no hub role, is refused (403)', async () => {
    for (const who of ['mixed', 'nobody']) {
      const res = await stack.as(who)('{ hospitals { totalCount } }');
      expect(res.status).toBe(403);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.text).not.toMatch(/separation|audit-admin|role/);
    }
  });
});

describe('every root field has a rule, and each role gets exactly what the rules allow', () => {
  /** One account per hub role (their scope does not matter here: the sample arguments name nothing real). */
  const accountOf: Record<HubRole, string> = {
    supervisor: 'sup-city',
    inspector: 'inspector',
    'hospital-officer': 'officer',
    analyst: 'analyst',
    'machine-client': FEED_CLIENT,
    'system-admin': 'sysadmin',
    'security-admin': 'secadmin',
    'audit-admin': 'auditadmin',
  };
  const api = apiSchema(readFileSync('schema/supergraph.graphql', 'utf8'));
  const matrix = rootFieldMatrix(api);

  it('the matrix covers every root field of the supergraph', () => {
    const root = [
      ...Object.keys(api.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(api.getMutationType()?.getFields() ?? {}).map((f) => `Mutation.${f}`),
    ];
    expect(matrix.map((c) => c.coordinate).sort()).toEqual(root.sort());
    expect(matrix.every((c) => c.allowed.length > 0 || c.coordinate.startsWith('Mutation.'))).toBe(true);
  });

  it('queries: allowed roles get an answer without any error, every other role FORBIDDEN on that field', async () => {
    const failures: string[] = [];
    for (const c of matrix.filter((m) => m.operation === 'query')) {
      for (const role of hubRoles) {
        const res = await as(accountOf[role])(c.document, c.variables);
        const refused = (res.body.errors ?? []).some((e) => e.extensions?.code === 'FORBIDDEN' && e.extensions?.field === c.coordinate);
        const ok = c.allowed.includes(role) ? res.status === 200 && !res.body.errors : refused;
        if (!ok)
          failures.push(
            `${c.coordinate} as ${role} (${c.allowed.includes(role) ? 'allowed' : 'refused'}): ${res.status} ${res.text.slice(0, 200)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  });

  it('mutations: every role outside the rule is FORBIDDEN on that field before anything runs; allowed roles pass the role check', async () => {
    // Sample inputs are deliberately not valid records (e.g. "x" as a code): an allowed role gets a
    // validation error from the resolver, never the role refusal, and nothing is written.
    const failures: string[] = [];
    for (const c of matrix.filter((m) => m.operation === 'mutation')) {
      for (const role of hubRoles) {
        const res = await as(accountOf[role])(c.document, c.variables);
        const refused = (res.body.errors ?? []).some((e) => e.extensions?.code === 'FORBIDDEN' && e.extensions?.field === c.coordinate);
        if (refused === c.allowed.includes(role) || res.status >= 500)
          failures.push(`${c.coordinate} as ${role}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('masking on by default, unmasking with a stated reason (audited)', () => {
  const STAFF = (id: string) => `{ staffMember(id: "${id}") { name idCardNumber phone idCardNumberMasked } }`;
  type StaffRes = { staffMember: { name: string; idCardNumber: string; phone: string; idCardNumberMasked: string } };
  const reason = { [UNMASK_REASON_HEADER]: encodeURIComponent('线索核查 第42号') };
  let id: string;
  let clear: { name: string; id_card_number: string; phone: string };
  beforeAll(async () => {
    id = await staffOf(own.code);
    clear = (
      await stack.subgraphs.directory!.db.pool.query<typeof clear>(
        'SELECT name, id_card_number, phone FROM directory.staff WHERE id = $1',
        [id],
      )
    ).rows[0]!;
  });

  it.each(['sup-city', 'inspector', 'officer', FEED_CLIENT])('%s without a reason: every personal field masked', async (who) => {
    const res = await as(who)<StaffRes>(STAFF(id));
    expect(res.body.errors).toBeUndefined();
    const s = res.body.data!.staffMember;
    expect(s.name).toBe(`${Array.from(clear.name)[0]}${'*'.repeat(Array.from(clear.name).length - 1)}`);
    expect(s.idCardNumber).toBe(`${clear.id_card_number.slice(0, 3)}${'*'.repeat(11)}${clear.id_card_number.slice(14)}`);
    expect(s.idCardNumber).not.toContain(clear.id_card_number.slice(6, 14)); // never the birth date
    expect(s.phone).toBe('139****5678');
    expect(s.idCardNumberMasked).toBe(s.idCardNumber);
  });

  it('an inspector with a reason sees clear text; the audit log records who, why and which fields', async () => {
    const res = await stack.as('inspector')<StaffRes>(STAFF(id), undefined, { ...reason, 'x-request-id': 'unmask-1' });
    expect(res.body.data!.staffMember).toMatchObject({ name: clear.name, idCardNumber: clear.id_card_number, phone: clear.phone });
    expect(res.text).not.toContain('hubAudit'); // the subgraphs' reports stop at the gateway
    const entry = await auditEntry('unmask-1');
    expect(entry).toMatchObject({ unmask_reason: '线索核查 第42号', outcome: 'ok', hospitals: [own.code], records: 1 });
    expect(entry.unmasked_fields.sort()).toEqual(['Staff.idCardNumber', 'Staff.name', 'Staff.phone']);
  });

  it('a hospital officer with a reason: name and phone of own staff, never the 身份证号', async () => {
    const res = await stack.as('officer')<StaffRes>(STAFF(id), undefined, reason);
    expect(res.body.data!.staffMember).toMatchObject({ name: clear.name, phone: clear.phone });
    expect(res.body.data!.staffMember.idCardNumber).not.toBe(clear.id_card_number);
  });

  it('a supervisor or machine client stating a reason still gets masked values', async () => {
    for (const who of ['sup-city', FEED_CLIENT]) {
      const s = (await as(who)<StaffRes>(STAFF(id), undefined, reason)).body.data!.staffMember;
      expect(s.name).not.toBe(clear.name);
      expect(s.phone).toBe('139****5678');
    }
  });

  it('an unusable reason is a 400 naming the header', async () => {
    const res = await stack.as('inspector')(STAFF(id), undefined, { [UNMASK_REASON_HEADER]: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: UNMASK_REASON_HEADER });
  });
});

describe('writes stay in scope', () => {
  const DEPT = 'mutation D($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { id hospital { code } } }';
  it('a hospital officer maintains their own hospital only', async () => {
    const officer = stack.as('officer');
    const ok = await officer<{ upsertDepartment: { hospital: { code: string } } }>(DEPT, {
      i: { hospitalCode: own.code, name: '廉政办', specialty: 'ADMIN_OFFICE' },
    });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data!.upsertDepartment.hospital.code).toBe(own.code);
    const other = await officer(DEPT, { i: { hospitalCode: fixture.hospitals[1]!.code, name: '廉政办', specialty: 'ADMIN_OFFICE' } });
    expect(other.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.hospitalCode' });
  });

  it('supervisors and analysts do not write the directory', async () => {
    for (const who of ['sup-city', 'analyst', 'auditadmin']) {
      const res = await stack.as(who)(DEPT, { i: { hospitalCode: own.code, name: 'x', specialty: 'ADMIN_OFFICE' } });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('machine clients: persisted operations only, rate limit per client', () => {
  it('an unregistered operation is refused (403) and audited; a registered one runs, also by hash alone', async () => {
    const slow = stack.as(SLOW_FEED);
    const refused = await slow('{ hospitals { totalCount } }', undefined, { 'x-request-id': 'unregistered-1' });
    expect(refused.status).toBe(403);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'query' });
    expect(await auditEntry('unregistered-1')).toMatchObject({ outcome: 'refused', status: 403, client_id: SLOW_FEED });

    clock.advance(REFILL_MS); // a fresh bucket, whatever the refused request took from it
    const byHash = await request(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.token(SLOW_FEED)}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex('{ regions { code } }') } } }),
    });
    expect(byHash.statusCode).toBe(200);
    expect(((await byHash.body.json()) as { data: { regions: unknown[] } }).data.regions.length).toBeGreaterThan(0);
  });

  it("429 with Retry-After past the client's own limit; other callers unaffected; answered again once it has waited", async () => {
    clock.advance(REFILL_MS); // a full bucket: burst 2
    const slow = stack.as(SLOW_FEED);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await slow('{ regions { code } }'));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2]!.headers['retry-after']).toBe('1');
    expect(errorCodes(statuses[2]!)).toEqual(['RATE_LIMITED']);
    expect((await stack.as('sup-city')('{ regions { code } }')).status).toBe(200);
    // Still refused while no time passes; after the Retry-After it asked for, one more request goes through.
    expect((await slow('{ regions { code } }')).status).toBe(429);
    clock.advance(Number(statuses[2]!.headers['retry-after']) * 1000);
    expect((await slow('{ regions { code } }')).status).toBe(200);
    expect((await slow('{ regions { code } }')).status).toBe(429);
  });
});

describe('subgraphs accept only what the gateway signed', () => {
  const direct = (headers: Record<string, string>) =>
    gql(stack.subgraphs.directory!.url, '{ hospitals { totalCount } }', undefined, headers);
  const supervisor = identityOf(['supervisor'], { regionCode: PROVINCE });

  it('no identity, a forged one, one for another subgraph, an expired one, or a tampered one: 401 and no data', async () => {
    const gatewayKey = stack.identityKeys.privateKey;
    const valid = await createIdentitySigner(gatewayKey).sign(supervisor, null, 'directory');
    const [header, body, signature] = valid.split('.');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { region_code: string };
    const protectedHeader = JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, unknown>;
    const cases: Record<string, Record<string, string>> = {
      none: {},
      forged: {
        [IDENTITY_HEADER]: await createIdentitySigner(generateKeyPairSync('ed25519').privateKey).sign(supervisor, null, 'directory'),
      },
      unsigned: { [IDENTITY_HEADER]: `${header}.${body}.` },
      'alg none': { [IDENTITY_HEADER]: `${b64({ ...protectedHeader, alg: 'none' })}.${body}.` },
      'for another subgraph': { [IDENTITY_HEADER]: await createIdentitySigner(gatewayKey).sign(supervisor, null, 'probe') },
      expired: { [IDENTITY_HEADER]: await createIdentitySigner(gatewayKey, -1).sign(supervisor, null, 'directory') },
      // another province, same signature
      tampered: { [IDENTITY_HEADER]: `${header}.${b64({ ...payload, region_code: '110000' })}.${signature}` },
    };
    expect(payload.region_code).toBe(PROVINCE); // the claim the tampered case changes
    for (const [name, headers] of Object.entries(cases)) {
      const res = await direct(headers);
      expect(res.status, name).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
      expect(res.body.data ?? null, name).toBeNull();
    }
    // The control: the same request with the gateway's valid signature is answered.
    const ok = await direct({ [IDENTITY_HEADER]: valid });
    expect(ok.status).toBe(200);
    expect((ok.body.data as { hospitals: { totalCount: number } }).hospitals.totalCount).toBe(50);
  });
});

describe('entity references sent straight to a subgraph, validly signed', () => {
  const ENTITIES =
    'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Hospital { code } ... on Department { id } ... on Staff { id } } }';
  const as = async (identity: ReturnType<typeof identityOf>) => ({
    [IDENTITY_HEADER]: await createIdentitySigner(stack.identityKeys.privateKey).sign(identity, null, 'directory'),
  });

  it('honour the row scope for every entity type (IDOR) and the type rules per role', async () => {
    const url = stack.subgraphs.directory!.url;
    const outside = fixture.hospitals.find((h) => h.regionCode === OTHER_DISTRICT)!.code;
    const reps = [
      { __typename: 'Hospital', code: own.code },
      { __typename: 'Hospital', code: outside },
      { __typename: 'Department', id: fixture.departments.find((d) => d.hospitalCode === outside)!.id },
      { __typename: 'Staff', id: await staffOf(outside) },
      { __typename: 'Staff', id: await staffOf(own.code) },
    ];
    const city = await gql<{ _entities: unknown[] }>(
      url,
      ENTITIES,
      { r: reps },
      await as(identityOf(['supervisor'], { regionCode: CITY })),
    );
    expect(city.body.errors).toBeUndefined();
    expect(city.body.data!._entities).toEqual([{ code: own.code }, null, null, null, { id: reps[4]!.id }]);

    const analyst = await gql(url, ENTITIES, { r: [reps[4]] }, await as(identityOf(['analyst'], { regionCode: PROVINCE })));
    expect(errorCodes(analyst)).toEqual(['FORBIDDEN']);
    const auditor = await gql(url, ENTITIES, { r: [reps[0]] }, await as(identityOf(['audit-admin'])));
    expect(errorCodes(auditor)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(auditor.body.data)).not.toContain(own.code);
  });
});

/** The audit row of a request, once the writer has flushed it. */
async function auditEntry(requestId: string): Promise<AuditRow> {
  await stack.gateway.audit.flush();
  const { rows } = await stack.subgraphs.audit!.db.pool.query<AuditRow>('SELECT * FROM audit.entry WHERE request_id = $1', [requestId]);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The columns of audit.entry these tests read. */
interface AuditRow {
  request_id: string;
  outcome: string;
  status: number;
  client_id: string | null;
  hospitals: string[];
  records: number;
  unmask_reason: string | null;
  unmasked_fields: string[];
}
