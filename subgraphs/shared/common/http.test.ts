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
    context: async () => ({}),
    routes: {
      '/throws': () => {
        throw new Error('synchronous failure');
      },
    },
  });
  running = await listen(server, 0);
});
afterAll(async () => {
  await running.close(100);
  await apollo.stop();
});

const base = () => running.url.replace('/graphql', '');

describe('HTTP front', () => {
  it('turns a route that throws synchronously into a 500 and keeps serving', async () => {
    const failed = await request(`${base()}/throws`);
    expect(failed.statusCode).toBe(500);
    expect(await failed.body.json()).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    const ok = await request(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' });
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
    const { port } = running;
    const from = logged.length;
    // Hang up once the server has the request and is reading its body (not on a timer), then wait
    // for the server's verdict on it: one line, either way.
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"query":');
    });
    running.server.once('request', () => socket.destroy());
    const verdict = (l: string) => l.includes('client closed the connection') || l.includes('"level":"error"');
    await until(() => logged.slice(from).some(verdict), 20_000, 'the server to log the hang-up');
    expect(logged.slice(from).filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(logged.slice(from).some((l) => l.includes('client closed the connection'))).toBe(true);
    const ok = await request(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' });
    expect(await ok.body.json()).toEqual({ data: { hello: 'world' } });
  });
});
