import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DEFAULT_USER, startStack, type Stack } from './helpers/stack.js';
import { post } from './helpers/graphql.js';
import { probe, probeHold } from './helpers/probe.js';
import { until } from './helpers/gate.js';
import { startSubgraph } from '#platform/subgraph.js';
import { createLogger } from '#common/logger.js';

let stack: Stack;
const lines: Record<string, unknown>[] = [];
const log = createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });

beforeAll(async () => {
  // The probe's fetch timeout is the only clock here: nothing below measures time against it.
  stack = await startStack({ extra: [probe], log, gatewayEnv: { SUBGRAPH_TIMEOUT_MS_PROBE: '2000' } });
});
afterAll(() => {
  probeHold.gate.open(); // nothing stays held past the file
  return stack?.stop();
});

const expectRejected = (
  res: { status: number; body: { errors?: { extensions?: Record<string, unknown> }[] } },
  code = 'GRAPHQL_VALIDATION_FAILED',
) => {
  expect(res.status).toBe(400);
  expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
};

describe('limits (docs/security.md, "GraphQL limits")', () => {
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
  /** The status and the one error's code: every refusal below says what was wrong in `extensions.code`. */
  const refusal = (res: { status: number; body: { errors?: { extensions?: Record<string, unknown> }[] } }) => ({
    status: res.status,
    codes: (res.body.errors ?? []).map((e) => e.extensions?.code),
  });

  it('malformed JSON', async () => {
    const res = await post(stack.gatewayUrl, '{"query": "{ __typename }"', { 'content-type': 'application/json' });
    expect(refusal(res)).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
  });

  it('a body over 100 kB', async () => {
    const res = await post(stack.gatewayUrl, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(110_000) } }), {
      'content-type': 'application/json',
    });
    expect(refusal(res)).toEqual({ status: 413, codes: ['PAYLOAD_TOO_LARGE'] });
  });

  it('batched operations (JSON arrays)', async () => {
    const res = await post(stack.gatewayUrl, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]), {
      'content-type': 'application/json',
    });
    expect(refusal(res)).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
  });

  it('no content type (CSRF prevention)', async () => {
    const res = await post(stack.gatewayUrl, JSON.stringify({ query: '{ __typename }' }), {
      'content-type': 'text/plain',
      ...(await auth()),
    });
    expect(refusal(res)).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
    expect(res.body.errors![0]!.message).toMatch(/Cross-Site Request Forgery/);
  });

  it('a GET without a preflight header (CSRF prevention)', async () => {
    const res = await request(`${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: await auth() });
    const body = (await res.body.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    expect(refusal({ status: res.statusCode, body })).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
    expect(body.errors![0]!.message).toMatch(/Cross-Site Request Forgery/);
  });

  it('a variable value of the wrong type, and a declared variable never used', async () => {
    const wrongType = await stack.query('query Q($a: Int) { hospitals(first: $a) { totalCount } }', { a: 'x' });
    expect(refusal(wrongType)).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(wrongType.body.errors![0]!.message).toMatch(/\$a/);
    expect(refusal(await stack.query('query Q($a: Int) { __typename }', { a: 1 }))).toEqual({
      status: 400,
      codes: ['GRAPHQL_VALIDATION_FAILED'],
    });
  });

  it('a request without an operation', async () => {
    const res = await post(stack.gatewayUrl, '{}', { 'content-type': 'application/json', ...(await auth()) });
    expect(refusal(res)).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
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

  it('a slow subgraph is cut off at the fetch timeout: the answer comes while the subgraph still holds it', async () => {
    probeHold.reset();
    const from = lines.length;
    const res = await stack.query<{ held: string | null }>('{ held }', {}, { 'x-request-id': 'held-1' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ held: null });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
    expect(res.text).not.toContain('127.0.0.1');
    // The gateway gave up, not the subgraph: the call reached the probe, which has not answered yet.
    expect(probeHold.started.held).toBe(1);
    expect(probeHold.answered.held).toBe(0);
    // …and what the gateway logged as the cause is its timeout.
    const failure = lines.slice(from).find((l) => l.requestId === 'held-1' && l.msg === 'subgraph request failed');
    expect(JSON.stringify(failure?.err)).toMatch(/TimeoutError|timeout/i);
    probeHold.gate.open();
    await until(() => probeHold.answered.held === 1, 20_000, 'the probe to answer once released');
  });

  it('a dead subgraph gives partial data with a masked error, HTTP 200, and /readyz 503', async () => {
    // Its own probe and gateway: the stack's probe stays up for the other tests.
    const doomed = await startSubgraph(probe, { port: 0, log, development: false, identityKey: stack.identityKeys.publicKey });
    let alive = true;
    const own = await stack.startGateway({ SUBGRAPH_URL_PROBE: doomed.url });
    try {
      const base = own.url.replace('/graphql', '');
      const before = await request(`${base}/readyz`);
      expect(before.statusCode).toBe(200);
      expect(await before.body.json()).toMatchObject({ subgraphs: { probe: 'up', directory: 'up' } });
      await doomed.close();
      alive = false;
      probeHold.gate.open(); // were it still alive, `held` would answer
      const token = await stack.token(DEFAULT_USER);
      const res = await post<{ hospitals: { totalCount: number }; held: string | null }>(
        own.url,
        JSON.stringify({ query: '{ hospitals { totalCount } held }' }),
        {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ hospitals: { totalCount: expect.any(Number) }, held: null });
      expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
      const after = await request(`${base}/readyz`);
      expect(after.statusCode).toBe(503);
      expect(await after.body.json()).toMatchObject({ subgraphs: { probe: 'down', directory: 'up' } });
    } finally {
      await own.stop();
      if (alive) await doomed.close();
    }
  });
});
