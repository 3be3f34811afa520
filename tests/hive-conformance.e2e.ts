import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { DEFAULT_USER, FEED_CLIENT, startStack, type Stack } from './helpers/stack.js';
import { CITY, loadDirectory, OTHER_CITY, OTHER_DISTRICT, PROVINCE } from './helpers/fixtures.js';
import { probe, probeSdl } from './helpers/probe.js';
import { gql, post, type GraphQLResponse } from './helpers/graphql.js';
import { listen, type RunningHttpServer } from '#common/http.js';
import { createLogger } from '#common/logger.js';
import { compose, hubSubgraphs, SUPERGRAPH_PATH } from '../scripts/lib/supergraph.js';
import { UNMASK_REASON_HEADER } from '../gateway/src/admission.js';
import { sha256Hex } from '../gateway/src/persisted.js';
import { useHubIdentity } from '../deploy/hive-gateway/hub-identity.js';
import { subgraphNames } from '../subgraphs/registry.js';

/**
 * The committed supergraph served by Hive Gateway (Rust query planner, @graphql-hive/router-runtime)
 * with the hub's identity module (deploy/hive-gateway/hub-identity.ts) answers the hub's e2e
 * queries as the hub's gateway does: same bearer token, same HTTP status, `data` deep-equal, and
 * the same errors. Errors from the subgraphs and from the hub's admission are compared whole
 * (message, path, extensions) and are identical. A validation error is worded by each engine, so
 * only its code and path are compared. The differences found are pinned at the end of this file.
 *
 * Callers are people (password-grant tokens): a machine client on the hub may run only its
 * persisted operations, so the arbitrary documents below are compared as people; one test checks
 * that the allow-list holds the same on Hive (registered document, hash alone, unregistered → 403).
 *
 * The stack also runs the test-only `probe` subgraph, so the hub gateway serves the committed
 * supergraph plus probe; Hive serves the committed file itself (URLs overridden through
 * `transportEntries`, as deploy/hive-gateway/gateway.config.ts does), and a second Hive runtime
 * serves the same committed-plus-probe composition for the queries that need cross-subgraph entity
 * resolution (`_entities`), which the committed supergraph alone does not contain yet.
 */
let stack: Stack;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
let own: { code: string; regionCode: string };
let outside: string;
const hives: { runtime: GatewayRuntime; http: RunningHttpServer }[] = [];
let hiveUrl: string;
let hiveProbeUrl: string;

async function startHive(supergraph: string, transportEntries: Record<string, { location: string }> = {}): Promise<string> {
  const runtime = createGatewayRuntime({
    supergraph,
    unifiedGraphHandler,
    transportEntries,
    logging: false,
    plugins: () => [
      useHubIdentity({
        keycloak: { serverUrl: stack.idp.serverUrl, realm: stack.idp.realm, audience: stack.idp.audience },
        signingKey: stack.identityKeys.privateKey,
        // The hub gateway's own allow-list object: what the tests register there holds on Hive too.
        allowList: stack.gateway.allowList,
        log: createLogger({ level: (process.env.TEST_LOG_LEVEL as 'error') ?? 'silent' }),
      }),
    ],
  });
  const http = await listen(
    createServer((req, res) => void runtime(req, res)),
    0,
  );
  hives.push({ runtime, http });
  return http.url;
}

beforeAll(async () => {
  stack = await startStack({ extra: [probe] });
  fixture = await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 50, departmentsEach: 2, staffEach: 1 });
  own = fixture.hospitals[0]!;
  outside = fixture.hospitals.find((h) => h.regionCode === OTHER_DISTRICT)!.code;
  const { idp } = stack;
  idp.addAccount({ username: 'sup-city', password: 'x', roles: ['supervisor'], regionCode: CITY });
  idp.addAccount({ username: 'sup-other-city', password: 'x', roles: ['supervisor'], regionCode: OTHER_CITY });
  idp.addAccount({ username: 'inspector', password: 'x', roles: ['inspector'], regionCode: CITY });
  idp.addAccount({ username: 'officer', password: 'x', roles: ['hospital-officer'], hospitalCode: own.code });
  idp.addAccount({ username: 'analyst', password: 'x', roles: ['analyst'], regionCode: PROVINCE });
  idp.addAccount({ username: 'auditadmin', password: 'x', roles: ['audit-admin'] });
  idp.addAccount({ username: 'mixed', password: 'x', roles: ['audit-admin', 'supervisor'], regionCode: CITY });

  const transportEntries = Object.fromEntries(subgraphNames.map((name) => [name, { location: stack.subgraphs[name]!.url }]));
  hiveUrl = await startHive(SUPERGRAPH_PATH, transportEntries);
  const withProbe = compose([...hubSubgraphs(), { name: 'probe', url: stack.subgraphs.probe!.url, sdl: probeSdl }]);
  if (!withProbe.ok) throw new Error(withProbe.errors.join('\n'));
  hiveProbeUrl = await startHive(withProbe.supergraphSdl, transportEntries);
});
afterAll(async () => {
  for (const { runtime, http } of hives) {
    await http.close(1_000);
    await runtime.dispose();
  }
  await stack?.stop();
});

type Response = GraphQLResponse<Record<string, unknown>>;
const PEOPLE = [DEFAULT_USER, 'sup-city', 'sup-other-city', 'inspector', 'officer', 'analyst'];

/** The same request, same token, to the hub gateway and to Hive. */
async function both(
  url: string,
  who: string | null,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const auth: Record<string, string> = who ? { authorization: `Bearer ${await stack.token(who)}` } : {};
  const [hub, hive] = await Promise.all([
    gql(stack.gatewayUrl, query, variables, { ...auth, ...headers }),
    gql(url, query, variables, { ...auth, ...headers }),
  ]);
  return { hub, hive };
}

const errorShape = (res: Response) =>
  (res.body.errors ?? []).map((e) => ({ code: e.extensions?.code, field: e.extensions?.field, path: e.path }));
/**
 * Errors the subgraphs raise reach the client unchanged through either gateway: message, path and
 * extensions — but for `serviceName`, which Hive adds and the hub's gateway drops in production
 * (pinned under "differences" below).
 */
const errorsOf = (res: Response) =>
  (res.body.errors ?? []).map(({ message, path, extensions }) => {
    const { serviceName: _pinned, ...rest } = extensions ?? {};
    return { message, path, extensions: extensions && rest };
  });
/**
 * Where a non-null root field failed, the hub answers `data: null` and Hive leaves `data` out (pinned
 * under "differences" below); everywhere else `data` is compared as sent.
 */
const dataOf = (res: Response) => ('data' in res.body ? res.body.data : null);

/**
 * Same HTTP status, same `data`, same errors; returns the hub's answer for further checks. Errors
 * raised by a gateway itself (validation) are worded by each engine: compare them with
 * `messages: false` (code, field and path only).
 */
async function expectSame(
  who: string | null,
  query: string,
  variables?: Record<string, unknown>,
  opts: { headers?: Record<string, string>; url?: string; messages?: boolean } = {},
): Promise<Response> {
  const { hub, hive } = await both(opts.url ?? hiveUrl, who, query, variables, opts.headers);
  const errors = opts.messages === false ? errorShape : errorsOf;
  const label = `${who ?? 'no token'}: ${query.slice(0, 120)}`;
  expect({ status: hive.status, data: dataOf(hive), errors: errors(hive) }, label).toEqual({
    status: hub.status,
    data: dataOf(hub),
    errors: errors(hub),
  });
  expect(hive.text, label).not.toContain('hubAudit'); // the subgraphs' audit reports stop at either gateway
  return hub;
}

const staffOf = async (code: string) =>
  (
    await stack.subgraphs.directory!.db.pool.query<{ id: string }>(
      'SELECT id FROM directory.staff WHERE hospital_code = $1 ORDER BY id LIMIT 1',
      [code],
    )
  ).rows[0]!.id;

describe('admission: the same refusals', () => {
  it('no token, a malformed token, a Basic header: 401 with WWW-Authenticate on both', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', 'Basic dXNlcjpwYXNz']) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const { hub, hive } = await both(hiveUrl, null, '{ regions { code } }', undefined, headers);
      expect(hub.status).toBe(401);
      expect(hive.status, authorization).toBe(401);
      expect(hive.headers['www-authenticate']).toBe(hub.headers['www-authenticate']);
      expect(hive.body).toEqual(hub.body); // { errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] }
    }
  });

  it('a valid token combining an administrator and a business role: 403; an unusable unmask reason: 400', async () => {
    const mixed = await expectSame('mixed', '{ hospitals { totalCount } }');
    expect(mixed.status).toBe(403);
    const reason = await expectSame('inspector', '{ regions { code } }', undefined, { headers: { [UNMASK_REASON_HEADER]: 'x' } });
    expect(reason.status).toBe(400);
    expect(reason.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: UNMASK_REASON_HEADER });
  });
});

describe('reads: lists, filters, pagination, look-ups, nested and masked fields, per role', () => {
  const HOSPITALS = `{ hospitals(filter: { regionCode: "${CITY}" }, first: 5) {
    totalCount
    nodes { code name level ownership type region { code name level parent { code } } departmentCount staffCount departments { id name specialty } }
    pageInfo { hasNextPage endCursor }
  } }`;
  const FILTERED =
    '{ hospitals(filter: { level: [LEVEL_3], specialty: "ONCOLOGY", nameContains: "测试医院00" }) { totalCount nodes { code name level } } }';
  const REGIONS = `{ regions(parentCode: "${PROVINCE}") { code name level children { code name hospitals(first: 3) { totalCount nodes { code } } } } }`;

  it.each(PEOPLE)('%s: hospitals of a city with nested fields, combined filters, the region tree', async (who) => {
    const list = await expectSame(who, HOSPITALS);
    expect(list.status).toBe(200);
    await expectSame(who, FILTERED);
    await expectSame(who, REGIONS);
  });

  it.each([DEFAULT_USER, 'sup-city', 'officer'])('%s: every page, walked with cursors (variables)', async (who) => {
    const PAGE =
      'query Page($first: Int, $after: String) { hospitals(first: $first, after: $after) { totalCount edges { cursor node { code name } } pageInfo { hasNextPage endCursor } } }';
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res = await expectSame(who, PAGE, { first: 8, after });
      const page = (res.body.data as { hospitals: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).hospitals.pageInfo;
      if (!page.hasNextPage) return;
      after = page.endCursor;
    }
    throw new Error('more pages than expected');
  });

  it.each(PEOPLE)('%s: look-ups by key, in and out of scope (out of scope is null, never data)', async (who) => {
    const department = fixture.departments.find((d) => d.hospitalCode === outside)!.id;
    const [inside, beyond] = [await staffOf(own.code), await staffOf(outside)];
    const query = `query Lookups($inside: ID!, $beyond: ID!) {
      mine: hospital(code: "${own.code}") { code name region { name } departments { name } }
      theirs: hospital(code: "${outside}") { code name }
      department(id: "${department}") { name hospital { code } }
      staffMember(id: $beyond) { employeeNo }
      own: staffMember(id: $inside) { employeeNo role hospital { code } department { name specialty } }
    }`;
    const res = await expectSame(who, query, { inside, beyond });
    if (who === 'sup-city') expect(res.body.data).toMatchObject({ theirs: null, department: null, staffMember: null });
  });

  it.each(['sup-city', 'inspector', 'officer', 'sup-other-city'])(
    '%s: personal fields masked by default, on both gateways',
    async (who) => {
      const STAFF = `{ staff(first: 5, filter: { hospitalCode: "${own.code}" }) { totalCount nodes { id employeeNo name idCardNumber phone idCardNumberMasked phoneMasked role } } }`;
      type Staff = { id: string; name: string; idCardNumber: string; phone: string; idCardNumberMasked: string; phoneMasked: string };
      const { rows } = await stack.subgraphs.directory!.db.pool.query<{ id: string; name: string; id_card_number: string; phone: string }>(
        'SELECT id, name, id_card_number, phone FROM directory.staff WHERE hospital_code = $1',
        [own.code],
      );
      expect(rows.length).toBeGreaterThan(0);
      // The rules (directory.graphql @personal): a name keeps its surname (李*), a 身份证号 its first 3
      // and last 4 characters (110***********1234), a mobile number its first 3 and last 4 digits (139****5678).
      const masked = (clear: (typeof rows)[number]) => {
        const name = Array.from(clear.name);
        const idCard = `${clear.id_card_number.slice(0, 3)}${'*'.repeat(11)}${clear.id_card_number.slice(14)}`;
        const phone = `${clear.phone.slice(0, 3)}****${clear.phone.slice(7)}`;
        return {
          id: clear.id,
          name: `${name[0]}${'*'.repeat(name.length - 1)}`,
          idCardNumber: idCard,
          phone,
          idCardNumberMasked: idCard,
          phoneMasked: phone,
        };
      };
      // The other city's supervisor sees none of this hospital's staff; everyone else sees them all, masked.
      const expected = who === 'sup-other-city' ? [] : rows.map(masked).sort((a, b) => a.id.localeCompare(b.id));
      const { hub, hive } = await both(hiveUrl, who, STAFF);
      for (const [gateway, res] of [
        ['hub', hub],
        ['hive', hive],
      ] as const) {
        expect(res.status, gateway).toBe(200);
        expect(res.body.errors, gateway).toBeUndefined();
        const staff = (res.body.data as { staff: { totalCount: number; nodes: Staff[] } }).staff;
        expect(staff.totalCount, gateway).toBe(expected.length);
        const seen = staff.nodes.map(({ id, name, idCardNumber, phone, idCardNumberMasked, phoneMasked }) => ({
          id,
          name,
          idCardNumber,
          phone,
          idCardNumberMasked,
          phoneMasked,
        }));
        expect(
          seen.sort((a, b) => a.id.localeCompare(b.id)),
          gateway,
        ).toEqual(expected);
        for (const clear of rows) expect(res.text, gateway).not.toContain(clear.id_card_number);
        expect(res.text, gateway).not.toContain('hubAudit');
      }
      expect(hive.body.data).toEqual(hub.body.data);
    },
  );

  it.each(['inspector', 'officer', 'sup-city'])('%s: unmasking with a stated reason (x-hub-unmask-reason)', async (who) => {
    const id = await staffOf(own.code);
    const reason = { [UNMASK_REASON_HEADER]: encodeURIComponent('线索核查 第42号') };
    const res = await expectSame(who, `{ staffMember(id: "${id}") { name idCardNumber phone idCardNumberMasked } }`, undefined, {
      headers: reason,
    });
    // The reason reaches the subgraph through the signed identity on Hive too: an inspector reads clear text.
    if (who === 'inspector') expect((res.body.data as { staffMember: { phone: string } }).staffMember.phone).toBe('13912345678');
  });
});

describe('errors: the same codes, fields and paths', () => {
  it('an analyst gets aggregates, and FORBIDDEN on individual staff', async () => {
    await expectSame('analyst', `{ staff { totalCount } hospital(code: "${own.code}") { staffCount departmentCount } }`);
    const forbidden = await expectSame('analyst', '{ staff(first: 1) { totalCount nodes { name } } }');
    expect(forbidden.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'StaffConnection.nodes' });
  });

  it('an administrator reads no business data; a supervisor not the audit log', async () => {
    expect(errorShape(await expectSame('auditadmin', '{ hospitals { totalCount } }'))[0]?.code).toBe('FORBIDDEN');
    expect(errorShape(await expectSame('sup-city', '{ auditLog(first: 1) { edges { node { seq } } } }'))[0]?.code).toBe('FORBIDDEN');
  });

  it('bad arguments: BAD_USER_INPUT naming the argument', async () => {
    expect(errorShape(await expectSame(DEFAULT_USER, '{ hospitals(after: "not-a-cursor") { totalCount } }'))[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expect(errorShape(await expectSame(DEFAULT_USER, '{ departments(first: 501) { totalCount } }'))[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });
});

describe('writes', () => {
  it('an idempotent upsert by a hospital officer, and refused writes', async () => {
    const DEPT = 'mutation D($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { id name specialty hospital { code } } }';
    const mine = fixture.departments.find((d) => d.hospitalCode === own.code)!;
    const { rows } = await stack.subgraphs.directory!.db.pool.query<{ name: string }>(
      'SELECT name FROM directory.department WHERE id = $1',
      [mine.id],
    );
    // Same id, same values: running it through both gateways leaves the same state.
    await expectSame('officer', DEPT, { i: { id: mine.id, hospitalCode: own.code, name: rows[0]!.name, specialty: mine.specialty } });
    const other = await expectSame('officer', DEPT, {
      i: { hospitalCode: fixture.hospitals[1]!.code, name: '廉政办', specialty: 'ADMIN_OFFICE' },
    });
    expect(errorShape(other)[0]).toMatchObject({ code: 'FORBIDDEN', field: 'input.hospitalCode' });
    expect(
      errorShape(await expectSame('sup-city', DEPT, { i: { hospitalCode: own.code, name: 'x', specialty: 'ADMIN_OFFICE' } }))[0]?.code,
    ).toBe('FORBIDDEN');
  });
});

describe('machine clients: the persisted-operation allow-list holds on Hive too', () => {
  it('a registered operation, sent as document or as hash alone, is answered alike; anything else 403', async () => {
    const document = `{ regions(parentCode: "${PROVINCE}") { code name level } }`;
    stack.gateway.allowList.register(FEED_CLIENT, document);
    expect((await expectSame(FEED_CLIENT, document)).status).toBe(200);
    const body = JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(document) } } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await stack.token(FEED_CLIENT)}` };
    const [hub, hive] = await Promise.all([post(stack.gatewayUrl, body, headers), post(hiveUrl, body, headers)]);
    expect(hub.status).toBe(200);
    expect({ status: hive.status, body: hive.body }).toEqual({ status: hub.status, body: hub.body });
    const refused = await expectSame(FEED_CLIENT, '{ hospitals { totalCount } }');
    expect(refused.status).toBe(403);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'query' });
  });
});

describe('entity references across subgraphs (committed supergraph + probe)', () => {
  it.each(['sup-city', 'officer', 'sup-other-city', DEFAULT_USER])(
    '%s: Hospital references resolved through _entities, out of scope null',
    async (who) => {
      const codes = [own.code, outside, fixture.hospitals[1]!.code];
      await expectSame(
        who,
        'query W($c: [ID!]!) { watchlist(codes: $c) { code name level region { code name } departmentCount } }',
        { c: codes },
        { url: hiveProbeUrl },
      );
    },
  );

  it('the subgraph sees the same caller', async () => {
    const res = await expectSame('inspector', '{ echo { subject } }', undefined, { url: hiveProbeUrl });
    expect((res.body.data as { echo: { subject: string } }).echo.subject).toBeTruthy();
  });
});

/**
 * Where the engines differ. Pinned so that a change on either side shows up here; a client moving
 * from the hub's gateway to Hive must allow for these.
 */
describe('differences between the engines (pinned)', () => {
  it('a non-null root field that fails: the hub sends `data: null`, Hive leaves `data` out', async () => {
    const { hub, hive } = await both(hiveUrl, 'analyst', '{ staff(first: 1) { totalCount nodes { name } } }');
    expect(hub.body).toHaveProperty('data', null);
    expect(hive.body).not.toHaveProperty('data');
    expect(errorsOf(hive)).toEqual(errorsOf(hub)); // the FORBIDDEN error itself is the same
  });

  it('the subgraph an error came from: Hive names it (`serviceName`), the hub in production does not (internal topology)', async () => {
    const { hub, hive } = await both(hiveUrl, 'analyst', '{ staff(first: 1) { totalCount nodes { name } } }');
    expect(hive.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', serviceName: 'directory' });
    expect(hub.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(hub.body.errors![0]!.extensions).not.toHaveProperty('serviceName');
  });

  it('a validation error: same code; the hub answers 400 with the detail hidden, Hive shows field suggestions', async () => {
    const query = '{ hospitalz { totalCount } }';
    // GraphQL over HTTP: the new media type gets 400 from both engines.
    const strict = await expectSame(DEFAULT_USER, query, undefined, {
      headers: { accept: 'application/graphql-response+json' },
      messages: false,
    });
    expect(strict.status).toBe(400);
    expect(errorShape(strict)).toEqual([{ code: 'GRAPHQL_VALIDATION_FAILED', field: undefined, path: undefined }]);
    const { hub, hive } = await both(hiveUrl, DEFAULT_USER, query);
    expect(errorShape(hive)).toEqual(errorShape(hub));
    // A client accepting only application/json: the hub still says 400, Hive 200 (as the spec allows for that media type).
    expect([hub.status, hive.status]).toEqual([400, 200]);
    // In production the hub hides the schema from client errors; Hive suggests field names.
    expect(hub.text).not.toContain('hospitals');
    expect(hive.body.errors![0]!.message).toMatch(/Did you mean "hospital" or "hospitals"\?/);
  });
});
