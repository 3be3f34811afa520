import { Readable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { connect } from 'node:net';
import { createGraphQLHttpServer, listen, type RunningHttpServer } from './http.js';
import { createLogger } from './logger.js';
import { until } from '#testing/gate.js';

let running: RunningHttpServer;
const logged: string[] = [];
const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });

beforeAll(async () => {
  await apollo.start();
  const server = createGraphQLHttpServer({
    apollo,
    log: createLogger({ level: 'info', sink: (line) => logged.push(line) }),
    maxBodyBytes: 1_000,
    maxJsonDepth: 8,
    context: async () => ({}),
    routes: {
      '/throws': () => {
        throw new Error('synchronous failure');
      },
      // A server failure after the whole request was read (the request is then destroyed: autoDestroy).
      '/reads-then-throws': async (req) => {
        for await (const _ of req);
        throw new Error('failure after the body');
      },
      // Fails only once the client has hung up (the test hangs up when the server has the request).
      '/slow-then-throws': async (req, res) => {
        for await (const _ of req);
        if (!res.destroyed) await new Promise((resolve) => res.once('close', resolve));
        throw new Error('failure after the client left');
      },
    },
    prefixRoutes: {
      // Reads its own body: the 1,000-byte GraphQL limit does not apply.
      '/stream/': async (req, res, requestId) => {
        let bytes = 0;
        for await (const chunk of req) bytes += (chunk as Buffer).length;
        res.end(JSON.stringify({ route: 'stream', path: req.url, bytes, requestId }));
      },
      '/stream/deeper/': (_req, res) => void res.end(JSON.stringify({ route: 'deeper' })),
    },
  });
  running = await listen(server, 0);
});
afterAll(async () => {
  await running.close(100);
  await apollo.stop();
});

const base = () => running.url.replace('/graphql', '');
const levels = (n: number) => '['.repeat(n) + ']'.repeat(n);
const postJson = (body: string) => request(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const errorsLogged = (from: number) => logged.slice(from).filter((l) => l.includes('"level":"error"'));

/** Send a raw request and hang up as soon as the server has it (not on a timer); resolve once the socket is closed. */
const hangUp = (raw: string) =>
  new Promise<void>((resolve) => {
    const socket = connect(running.port, '127.0.0.1', () => socket.write(raw));
    running.server.once('request', () => socket.destroy());
    socket.on('close', () => resolve());
  });

describe('HTTP front', () => {
  it('serves prefix routes (longest prefix first) with their own body reading and the request id', async () => {
    const res = await request(`${base()}/stream/a/b?x=1`, { method: 'POST', body: 'x'.repeat(50_000), headers: { 'x-request-id': 'r-1' } });
    expect(await res.body.json()).toEqual({ route: 'stream', path: '/stream/a/b?x=1', bytes: 50_000, requestId: 'r-1' });
    expect(await (await request(`${base()}/stream/deeper/x`)).body.json()).toEqual({ route: 'deeper' });
    const exactOnly = await request(`${base()}/stream`);
    expect(exactOnly.statusCode).toBe(404);
    await exactOnly.body.dump();
  });

  it('turns a route that throws synchronously into a 500 and keeps serving', async () => {
    const failed = await request(`${base()}/throws`);
    expect(failed.statusCode).toBe(500);
    expect(await failed.body.json()).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    const ok = await request(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ hello }"}',
    });
    expect(await ok.body.json()).toEqual({ data: { hello: 'world' } });
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const sane = await request(`${base()}/nope`, { headers: { 'x-request-id': 'abc-123' } });
    expect(sane.headers['x-request-id']).toBe('abc-123');
    await sane.body.dump();
    const unsafe = await request(`${base()}/nope`, { headers: { 'x-request-id': 'bad id\u00e9<script>' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.statusCode).toBe(404);
    await unsafe.body.dump();
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const body = JSON.stringify({ query: '{ hello }', variables: { pad: 'x'.repeat(2_000) } });
    const declared = await request(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(declared.statusCode).toBe(413);
    await declared.body.dump();
    const streamed = await request(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from([body.slice(0, 900), body.slice(900)]),
    });
    expect(streamed.statusCode).toBe(413);
    await streamed.body.dump();
  });

  it('a client hanging up mid-body is not a server error: nothing logged as one, no answer attempted', async () => {
    const from = logged.length;
    // Then wait for the server's verdict on it: one line, either way.
    await hangUp('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"query":');
    const verdict = (l: string) => l.includes('client closed the connection') || l.includes('"level":"error"');
    await until(() => logged.slice(from).some(verdict), 20_000, 'the server to log the hang-up');
    expect(logged.slice(from).some((l) => l.includes('client closed the connection'))).toBe(true);
    expect(errorsLogged(from)).toEqual([]);
    const ok = await postJson('{"query":"{ hello }"}');
    expect(await ok.body.json()).toEqual({ data: { hello: 'world' } });
  });

  it('a failure after the request was read is a server error: logged as one, answered 500 (not taken for a hang-up)', async () => {
    const from = logged.length;
    const res = await request(`${base()}/reads-then-throws`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.statusCode).toBe(500);
    expect(await res.body.json()).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(errorsLogged(from)).toEqual([expect.stringContaining('failure after the body')]);
    expect(logged.slice(from).some((l) => l.includes('client closed the connection'))).toBe(false);
  });

  it('a server failure after the client left is still logged as an error, and nothing is written', async () => {
    const from = logged.length;
    await hangUp('POST /slow-then-throws HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}');
    await until(() => errorsLogged(from).length > 0, 20_000, 'the failure to be logged');
    expect(errorsLogged(from)).toHaveLength(1);
    expect(errorsLogged(from)[0]).toContain('failure after the client left');
    expect(errorsLogged(from)[0]).toContain('"clientGone":true');
  });
});

describe('JSON nesting depth', () => {
  it('up to the limit is parsed as usual (the body is level 1)', async () => {
    const res = await postJson(`{"query":"{ hello }","variables":{"a":${levels(6)}}}`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ data: { hello: 'world' } });
  });

  it('deeper is 400 BAD_REQUEST naming the member, before parsing', async () => {
    for (const [member, depth] of [
      ['variables', 7],
      ['extensions', 400],
      ['variables', 400],
    ] as const) {
      const from = logged.length;
      const res = await postJson(`{"query":"{ hello }","${member}":{"a":${levels(depth)}}}`);
      expect(res.statusCode).toBe(400);
      expect(await res.body.json()).toEqual({
        errors: [{ message: `\`${member}\` nested deeper than 8 levels`, extensions: { code: 'BAD_REQUEST', field: member } }],
      });
      expect(errorsLogged(from)).toEqual([]);
    }
    const root = await postJson(levels(400));
    expect(root.statusCode).toBe(400);
    expect(await root.body.json()).toEqual({
      errors: [{ message: 'JSON body nested deeper than 8 levels', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it("a GET's variables and extensions have the same bound", async () => {
    const get = (params: Record<string, string>) =>
      request(`${running.url}?${new URLSearchParams({ query: '{ hello }', ...params })}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
    const fine = await get({ variables: `{"a":${levels(6)}}` });
    expect(await fine.body.json()).toEqual({ data: { hello: 'world' } });
    for (const name of ['variables', 'extensions']) {
      const res = await get({ [name]: `{"a":${levels(7)}}` });
      expect(res.statusCode).toBe(400);
      expect(await res.body.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST', field: name } }] });
    }
  });
});
