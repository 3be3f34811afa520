import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DEFAULT_USER, startStack, type Stack } from './helpers/stack.js';
import { post } from './helpers/graphql.js';
import { probe } from './helpers/probe.js';
import { createLogger } from '#common/logger.js';

let stack: Stack;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const log = createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  stack = await startStack({ extra: [probe], log, gatewayEnv: { SUBGRAPH_TIMEOUT_MS_PROBE: '1000' } });
  // Warm the directory (Prisma's query compiler loads lazily) so the timeout tests time only the probe.
  await stack.query('{ hospitals { totalCount } }');
});
afterAll(() => stack?.stop());

const expectRejected = (res: { status: number; body: { errors?: { extensions?: Record<string, unknown> }[] } }, code = 'GRAPHQL_VALIDATION_FAILED') => {
  expect(res.status).toBe(400);
  expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
};

describe('limits (SECURITY.md, first table)', () => {
  it('depth above 10 is refused', async () => {
    let q = 'code';
    for (let i = 0; i < 6; i++) q = `departments { hospital { ${q} } }`;
    expectRejected(await stack.query(`{ hospitals { nodes { ${q} } } }`));
  });

  it('more than 15 aliases is refused, __typename aliases included', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `t${i}: __typename`).join(' ');
    expectRejected(await stack.query(`{ ${aliases} }`));
    const fine = Array.from({ length: 15 }, (_, i) => `t${i}: __typename`).join(' ');
    expect((await stack.query(`{ ${fine} }`)).status).toBe(200);
  });

  it('more than 10 directives is refused', async () => {
    const dirs = Array.from({ length: 11 }, () => '@include(if: true)').join(' ');
    expectRejected(await stack.query(`{ __typename ${dirs} }`));
  });

  it('more than 1000 tokens is refused by the parser with 400', async () => {
    const fields = Array.from({ length: 1_100 }, () => '__typename').join(' ');
    expectRejected(await stack.query(`{ ${fields} }`), 'GRAPHQL_PARSE_FAILED');
  });

  it('an expensive query is refused without revealing the limit', async () => {
    const res = await stack.query('{ hospitals(first: 500) { nodes { staff(first: 500) { nodes { id } } } } }');
    expectRejected(res);
    expect(JSON.stringify(res.body)).not.toMatch(/50000|50,000/);
  });

  it('recursive fragments are refused', async () => {
    expectRejected(await stack.query('{ hospitals { nodes { ...A } } } fragment A on Hospital { departments { hospital { ...A } } }'));
  });

  it('introspection is off and field suggestions are hidden in production', async () => {
    expectRejected(await stack.query('{ __schema { types { name } } }'));
    const typo = await stack.query('{ hospitalz { totalCount } }');
    expectRejected(typo);
    expect(JSON.stringify(typo.body)).not.toContain('Did you mean');
  });
});

describe('bad HTTP input: 4xx with a code, never a 500', () => {
  const auth = async () => ({ authorization: `Bearer ${await stack.token(DEFAULT_USER)}` });
  it('malformed JSON', async () => {
    const res = await post(stack.gatewayUrl, '{"query": "{ __typename }"', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('a body over 100 kB', async () => {
    const res = await post(stack.gatewayUrl, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(110_000) } }), { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
  });

  it('batched operations (JSON arrays)', async () => {
    const res = await post(stack.gatewayUrl, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
  });

  it('no content type (CSRF prevention)', async () => {
    const res = await post(stack.gatewayUrl, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain', ...(await auth()) });
    expect(res.status).toBe(400);
  });

  it('a GET without a preflight header (CSRF prevention)', async () => {
    const res = await request(`${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: await auth() });
    expect(res.statusCode).toBe(400);
    await res.body.dump();
  });

  it('an unknown variable and a missing operation', async () => {
    expect((await stack.query('query Q($a: Int) { __typename }', { a: 'x' })).status).toBe(400);
    expect((await post(stack.gatewayUrl, '{}', { 'content-type': 'application/json', ...(await auth()) })).status).toBe(400);
  });
});

describe('request ids, health, masking, failure', () => {
  it('takes the caller’s x-request-id, forwards it to subgraphs and logs it', async () => {
    const res = await stack.query<{ echo: { requestId: string } }>('{ echo { requestId } }', {}, { 'x-request-id': 'req-abc-123' });
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    expect(res.body.data!.echo.requestId).toBe('req-abc-123');
    const generated = await stack.query<{ echo: { requestId: string } }>('{ echo { requestId } }');
    expect(generated.body.data!.echo.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers['x-request-id']).toBe(generated.body.data!.echo.requestId);
    expect(lines.some((l) => l.requestId === 'req-abc-123' && l.service === 'probe')).toBe(true);
  });

  it('/healthz and /readyz', async () => {
    const base = stack.gatewayUrl.replace('/graphql', '');
    expect((await request(`${base}/healthz`)).statusCode).toBe(200);
    const ready = await request(`${base}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({ subgraphs: { directory: 'up', probe: 'up' } });
  });

  it('masks internal errors: no message detail, stack or internal address', async () => {
    const res = await stack.query('{ boom }');
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(res.text).not.toMatch(/secret|10\.1\.2\.3|stack|at /);
  });

  it('a slow subgraph is cut off at the fetch timeout', async () => {
    const started = performance.now();
    const res = await stack.query('{ slow(ms: 3000) }');
    expect(performance.now() - started).toBeLessThan(1000 + 300);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(res.text).not.toContain('127.0.0.1');
  });

  it('a dead subgraph gives partial data with a masked error, HTTP 200, and /readyz 503', async () => {
    await stack.subgraphs.probe!.close();
    const res = await stack.query<{ hospitals: { totalCount: number }; slow: string | null }>('{ hospitals { totalCount } slow(ms: 1) }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ hospitals: { totalCount: expect.any(Number) }, slow: null });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    const base = stack.gatewayUrl.replace('/graphql', '');
    const ready = await request(`${base}/readyz`);
    expect(ready.statusCode).toBe(503);
    expect(await ready.body.json()).toMatchObject({ subgraphs: { probe: 'down', directory: 'up' } });
  });
});
