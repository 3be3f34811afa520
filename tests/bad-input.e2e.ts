import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DEFAULT_USER, FEED_CLIENT, startStack, type Stack } from './helpers/stack.js';
import { post, type GraphQLResponse } from './helpers/graphql.js';
import { loadDirectory, PROVINCE } from './helpers/fixtures.js';
import { createLogger } from '#common/logger.js';
import { listen, type RunningHttpServer } from '#common/http.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { loadGatewayConfig } from '../gateway/src/config.js';
import { createGateway, type Gateway } from '../gateway/src/server.js';
import { sha256Hex } from '../gateway/src/persisted.js';

/**
 * Bad input that used to get the wrong answer from the gateway in production mode with a valid
 * token (docs/security.md, "Malformed input"): each gets a 4xx with a code, and nothing is logged
 * as something it is not.
 */
let stack: Stack;
const lines: Record<string, unknown>[] = [];
const extra: { gateway: Gateway; http: RunningHttpServer }[] = [];

beforeAll(async () => {
  const log = createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  stack = await startStack({ subgraphs: ['directory', 'audit'], log });
  await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 2, departmentsEach: 1, staffEach: 1 });
  stack.idp.addAccount({ username: 'analyst', password: 'x', roles: ['analyst'], regionCode: PROVINCE });
});
afterAll(async () => {
  for (const { gateway, http } of extra) {
    await http.close(1_000);
    await gateway.stop();
  }
  await stack?.stop();
});

const linesOf = (requestId: string) => lines.filter((l) => l.requestId === requestId);
const errorLinesOf = (requestId: string) => linesOf(requestId).filter((l) => l.level === 'error');
let sequence = 0;
const nextId = (what: string) => `bad-input-${what}-${++sequence}`;

/** POST a raw JSON body as `who` (a username or a machine client id of the stack's identity provider). */
async function send(who: string, body: unknown, requestId = nextId('post')): Promise<GraphQLResponse & { requestId: string }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await post(stack.gatewayUrl, text, {
    'content-type': 'application/json',
    authorization: `Bearer ${await stack.token(who)}`,
    'x-request-id': requestId,
  });
  return { ...res, requestId };
}

const levels = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('a document whose operation cannot be picked: 400 OPERATION_RESOLUTION_FAILURE, not 500', () => {
  const TWO = 'query A { __typename } query B { regions { code } }';
  const noName = {
    message: 'Must provide operation name if query contains multiple operations.',
    extensions: { code: 'OPERATION_RESOLUTION_FAILURE', field: 'operationName' },
  };
  const unknown = (name: string) => ({
    message: `Unknown operation named "${name}".`,
    extensions: { code: 'OPERATION_RESOLUTION_FAILURE', field: 'operationName' },
  });

  const expectResolution = (res: GraphQLResponse & { requestId: string }, error: object) => {
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors).toEqual([error]);
    // Logged as the caller's mistake, not as an internal error.
    expect(errorLinesOf(res.requestId)).toEqual([]);
    expect(linesOf(res.requestId)).toContainEqual(
      expect.objectContaining({ msg: 'operation failed', status: 400, errors: ['OPERATION_RESOLUTION_FAILURE'] }),
    );
  };

  it('for a person: several operations and no name, an unknown name — and a known name runs', async () => {
    expectResolution(await send(DEFAULT_USER, { query: TWO }), noName);
    expectResolution(await send(DEFAULT_USER, { query: TWO, operationName: 'C' }), unknown('C'));
    expectResolution(await send(DEFAULT_USER, { query: '{ __typename }', operationName: 'C' }), unknown('C'));
    const named = await send(DEFAULT_USER, { query: TWO, operationName: 'A' });
    expect(named.status).toBe(200);
    expect(named.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('for a machine client running its persisted operation, by document and by hash alone', async () => {
    stack.gateway.allowList.register(FEED_CLIENT, TWO);
    const persisted = { persistedQuery: { version: 1, sha256Hash: sha256Hex(TWO) } };
    expectResolution(await send(FEED_CLIENT, { query: TWO }), noName);
    expectResolution(await send(FEED_CLIENT, { extensions: persisted }), noName);
    expectResolution(await send(FEED_CLIENT, { extensions: persisted, operationName: 'Z' }), unknown('Z'));
    const named = await send(FEED_CLIENT, { extensions: persisted, operationName: 'B' });
    expect(named.status).toBe(200);
    expect(named.body.data).toEqual({ regions: [{ code: PROVINCE }] });
  });

  it('over GET too', async () => {
    const res = await request(`${stack.gatewayUrl}?${new URLSearchParams({ query: TWO, operationName: 'C' })}`, {
      headers: { authorization: `Bearer ${await stack.token(DEFAULT_USER)}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toEqual({ errors: [unknown('C')] });
  });
});

describe('JSON nested too deeply: 400 BAD_REQUEST before it is parsed, not a closed connection', () => {
  it('5,000 levels in variables or extensions are answered, naming the member, and logged as no hang-up or error', async () => {
    for (const member of ['variables', 'extensions']) {
      const res = await send(DEFAULT_USER, `{"query":"{ __typename }","${member}":{"a":${levels(5_000)}}}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: `\`${member}\` nested deeper than 64 levels`, extensions: { code: 'BAD_REQUEST', field: member } }],
      });
      expect(
        linesOf(res.requestId).filter((l) => l.msg === 'client closed the connection before the answer' || l.level === 'error'),
      ).toEqual([]);
    }
  });

  it('64 levels, the body counted, are accepted; 65 are not', async () => {
    // Body (1) → variables (2) → a (3) → 62 arrays more = 64.
    const fine = await send(DEFAULT_USER, `{"query":"{ __typename }","variables":{"a":${levels(62)}}}`);
    expect(fine.status).toBe(200);
    expect(fine.body).toEqual({ data: { __typename: 'Query' } });
    const deeper = await send(DEFAULT_USER, `{"query":"{ __typename }","variables":{"a":${levels(63)}}}`);
    expect(deeper.status).toBe(400);
    expect(deeper.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_REQUEST', field: 'variables' });
  });

  it("in a GET's variables as well", async () => {
    const res = await request(
      `${stack.gatewayUrl}?${new URLSearchParams({ query: '{ __typename }', variables: `{"a":${levels(2_000)}}` })}`,
      {
        headers: { authorization: `Bearer ${await stack.token(DEFAULT_USER)}`, 'apollo-require-preflight': 'true' },
      },
    );
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toEqual({
      errors: [{ message: '`variables` nested deeper than 64 levels', extensions: { code: 'BAD_REQUEST', field: 'variables' } }],
    });
  });
});

/** A second gateway over the stack's subgraphs (or a dead address for one), in the given mode. */
async function gatewayIn(nodeEnv: 'production' | 'development', directoryUrl = stack.subgraphs.directory!.url): Promise<string> {
  const config = loadGatewayConfig({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: 'silent',
    KEYCLOAK_URL: stack.idp.serverUrl,
    KEYCLOAK_REALM: stack.idp.realm,
    KEYCLOAK_AUDIENCE: stack.idp.audience,
    AUDIT_WRITER_DATABASE_URL: auditWriterUrl(stack.database.adminUrl),
    AUDIT_FLUSH_MS: '20',
    SUBGRAPH_URL_DIRECTORY: directoryUrl,
    SUBGRAPH_URL_AUDIT: stack.subgraphs.audit!.url,
  });
  const gateway = await createGateway(config, createLogger({ level: 'silent' }), { signingKey: stack.identityKeys.privateKey });
  const http = await listen(gateway.server, 0);
  extra.push({ gateway, http });
  return http.url;
}

describe('errors name no subgraph outside development (internal topology); the log does', () => {
  const STAFF = '{ staff(first: 1) { totalCount nodes { name } } }';
  const asAnalyst = async (url: string, query: string, requestId: string) =>
    post(url, JSON.stringify({ query }), {
      'content-type': 'application/json',
      authorization: `Bearer ${await stack.token('analyst')}`,
      'x-request-id': requestId,
    });

  it('a refused field: no serviceName for the client in production, the subgraph in the gateway log', async () => {
    const requestId = nextId('refused');
    const res = await asAnalyst(stack.gatewayUrl, STAFF, requestId);
    expect(res.status).toBe(200);
    const error = res.body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'StaffConnection.nodes' });
    expect(error?.extensions).not.toHaveProperty('serviceName');
    expect(res.text).not.toContain('directory');
    expect(linesOf(requestId)).toContainEqual(
      expect.objectContaining({ msg: 'operation failed', errors: ['FORBIDDEN'], subgraphs: ['directory'] }),
    );
  });

  it('in development the client sees it', async () => {
    const res = await asAnalyst(await gatewayIn('development'), STAFF, nextId('refused-dev'));
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'StaffConnection.nodes', serviceName: 'directory' });
  });

  it('an unreachable subgraph: SUBGRAPH_UNAVAILABLE naming it in development only, in the message too', async () => {
    const dead = 'http://127.0.0.1:1/graphql';
    const production = await asAnalyst(await gatewayIn('production', dead), '{ regions { code } }', nextId('dead'));
    expect(production.body.errors).toEqual([{ message: 'A subgraph is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }]);
    const development = await asAnalyst(await gatewayIn('development', dead), '{ regions { code } }', nextId('dead-dev'));
    expect(development.body.errors?.[0]).toMatchObject({
      message: 'Subgraph "directory" is unavailable',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'directory' },
    });
  });
});

describe('GET (docs/security.md): queries with a CSRF preflight header, mutations never', () => {
  const get = async (who: string, query: string, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) => {
    const res = await request(`${stack.gatewayUrl}?${new URLSearchParams({ query })}`, {
      headers: { authorization: `Bearer ${await stack.token(who)}`, ...headers },
    });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as GraphQLResponse['body'] };
  };

  it('a query is served with apollo-require-preflight or x-apollo-operation-name, refused without', async () => {
    expect(await get(DEFAULT_USER, '{ regions { code } }')).toMatchObject({
      status: 200,
      body: { data: { regions: [{ code: PROVINCE }] } },
    });
    expect(await get(DEFAULT_USER, 'query Regions { regions { code } }', { 'x-apollo-operation-name': 'Regions' })).toMatchObject({
      status: 200,
    });
    const bare = await get(DEFAULT_USER, '{ regions { code } }', {});
    expect(bare.status).toBe(400);
    expect(bare.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(bare.body.data).toBeUndefined();
  });

  it('a mutation is 405 with Allow: POST and does not run — the same registered mutation over POST does', async () => {
    const mutation = 'mutation { upsertRegion(input: { code: "330506", name: "测试区" }) { code } }';
    stack.gateway.allowList.register(FEED_CLIENT, mutation);
    const refused = await get(FEED_CLIENT, mutation);
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toBe('POST');
    expect(refused.body.errors).toEqual([
      { message: 'GET requests only support query operations, not mutation operations', extensions: { code: 'BAD_REQUEST' } },
    ]);
    const region = () => stack.subgraphs.directory!.db.pool.query("SELECT code FROM directory.region WHERE code = '330506'");
    expect((await region()).rows).toEqual([]);
    const posted = await send(FEED_CLIENT, { query: mutation });
    expect(posted.body).toEqual({ data: { upsertRegion: { code: '330506' } } });
    expect((await region()).rows).toEqual([{ code: '330506' }]);
  });
});
