import { Readable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { connect } from 'node:net';
import { createGraphQLHttpServer, listen, type RunningHttpServer, type SharedResponse } from './http.js';
import { createLogger } from './logger.js';

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
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"query":');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => setTimeout(resolve, 100));
    });
    expect(logged.slice(from).filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(logged.slice(from).some((l) => l.includes('client closed the connection'))).toBe(true);
    const ok = await request(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' });
    expect(await ok.body.json()).toEqual({ data: { hello: 'world' } });
  });
});

describe('HTTP front: collapsing identical requests in flight', () => {
  let collapsing: RunningHttpServer;
  let calls = 0;
  let collapseOn = true;
  const sharedWith: { requestId: string; ownHeader: unknown; response: SharedResponse }[] = [];
  const metaReadFor: string[] = [];
  const slow = new ApolloServer({
    typeDefs: 'type Query { slow(n: Int): String }',
    resolvers: {
      Query: {
        slow: async (_: unknown, args: { n?: number | null }) => {
          const call = ++calls;
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (args.n === -1) throw new Error('refused by resolver');
          return `answer ${args.n ?? 0} #${call}`;
        },
      },
    },
  });

  beforeAll(async () => {
    await slow.start();
    const server = createGraphQLHttpServer({
      apollo: slow,
      log: createLogger({ level: 'error', sink: () => undefined }),
      context: async () => ({}),
      collapse: {
        key: (_req, body) => (collapseOn ? JSON.stringify(body) : null),
        meta: (req) => {
          const id = String(req.headers['x-request-id']);
          metaReadFor.push(id);
          return { leader: id };
        },
        shared: (req, requestId, response) => sharedWith.push({ requestId, ownHeader: req.headers['x-request-id'], response }),
      },
    });
    collapsing = await listen(server, 0);
  });
  afterAll(async () => {
    await collapsing.close(100);
    await slow.stop();
  });

  const post = async (id: string, query: string) => {
    const res = await request(collapsing.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ query }) });
    return { status: res.statusCode, requestId: res.headers['x-request-id'], contentType: res.headers['content-type'], body: await res.body.text() };
  };
  const reset = () => {
    calls = 0;
    sharedWith.length = 0;
    metaReadFor.length = 0;
  };

  it('runs identical concurrent requests once and answers all of them with that answer', async () => {
    reset();
    const ids = Array.from({ length: 10 }, (_, i) => `req-${i}`);
    const answers = await Promise.all(ids.map((id) => post(id, '{ slow(n: 1) }')));
    expect(calls).toBe(1);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body).toBe(answers[0]!.body);
      expect(a.contentType).toMatch(/^application\/json/);
    }
    expect(JSON.parse(answers[0]!.body)).toEqual({ data: { slow: 'answer 1 #1' } });
    // Each response still carries its own request id.
    expect(answers.map((a) => a.requestId)).toEqual(ids);

    // meta read once, from the leader; shared() called for the nine followers only, each with its own id.
    expect(metaReadFor).toHaveLength(1);
    const leader = metaReadFor[0]!;
    expect(ids).toContain(leader);
    expect(sharedWith).toHaveLength(9);
    expect(sharedWith.map((s) => s.requestId).sort()).toEqual(ids.filter((id) => id !== leader).sort());
    for (const s of sharedWith) {
      expect(s.ownHeader).toBe(s.requestId);
      expect(s.response.leaderRequestId).toBe(leader);
      expect(s.response.meta).toEqual({ leader });
      expect(s.response.status).toBe(200);
      expect(s.response.body.toString('utf8')).toBe(answers[0]!.body);
    }
  });

  it('runs different requests separately', async () => {
    reset();
    const answers = await Promise.all([post('a', '{ slow(n: 1) }'), post('b', '{ slow(n: 2) }'), post('c', '{ slow(n: 1) }')]);
    expect(calls).toBe(2);
    expect(answers[0]!.body).toBe(answers[2]!.body);
    expect(answers[1]!.body).not.toBe(answers[0]!.body);
    expect(sharedWith).toHaveLength(1);
    expect(['a', 'c']).toContain(sharedWith[0]!.requestId);
  });

  it('keeps nothing once answered: the same request later runs again', async () => {
    reset();
    const first = await post('x', '{ slow(n: 3) }');
    const second = await post('y', '{ slow(n: 3) }');
    expect(calls).toBe(2);
    expect(JSON.parse(first.body)).toEqual({ data: { slow: 'answer 3 #1' } });
    expect(JSON.parse(second.body)).toEqual({ data: { slow: 'answer 3 #2' } });
    expect(sharedWith).toEqual([]);
  });

  it("shares the leader's error answer too", async () => {
    reset();
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => post(`e-${i}`, '{ slow(n: -1) }')));
    expect(calls).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ data: { slow: null }, errors: [{ message: 'refused by resolver' }] });
    expect(sharedWith).toHaveLength(3);
  });

  it('runs every request when the key is null', async () => {
    reset();
    collapseOn = false;
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(`n-${i}`, '{ slow(n: 1) }')));
      expect(calls).toBe(10);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(new Set(answers.map((a) => a.body)).size).toBe(10);
      expect(sharedWith).toEqual([]);
      expect(metaReadFor).toEqual([]);
    } finally {
      collapseOn = true;
    }
  });
});

describe('HTTP front: collapsing with peer processes (cluster workers)', () => {
  let server: RunningHttpServer;
  let calls = 0;
  const published: { key: string; body: string | null }[] = [];
  const followers: string[] = [];
  const elsewhere = new Map<string, SharedResponse>();
  const apollo = new ApolloServer({
    typeDefs: 'type Query { here: String }',
    resolvers: { Query: { here: async () => { calls++; await new Promise((r) => setTimeout(r, 30)); return `ran here #${calls}`; } } },
  });

  beforeAll(async () => {
    await apollo.start();
    server = await listen(
      createGraphQLHttpServer({
        apollo,
        log: createLogger({ level: 'error', sink: () => undefined }),
        context: async () => ({}),
        collapse: {
          key: (_req, body) => JSON.stringify(body),
          shared: (_req, requestId) => followers.push(requestId),
          peers: {
            // Another worker is running the keys in `elsewhere`; every other key runs here.
            join: async (key) => elsewhere.get(key) ?? null,
            publish: (key, response) => published.push({ key, body: response ? response.body.toString('utf8') : null }),
          },
        },
      }),
      0,
    );
  });
  afterAll(async () => {
    await server.close(100);
    await apollo.stop();
  });

  const post = async (id: string, query: string) => {
    const res = await request(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ query }) });
    return { status: res.statusCode, body: await res.body.text() };
  };

  it("a key another worker is running is answered with that worker's answer: nothing runs here, every request is a follower", async () => {
    const query = '{ here }';
    const theirs = '{"data":{"here":"ran in worker 2"}}';
    elsewhere.set(JSON.stringify({ query }), { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(theirs), leaderRequestId: 'w2-1', meta: null });
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => post(id, query)));
    expect(answers.map((a) => a.body)).toEqual([theirs, theirs, theirs]);
    expect(calls).toBe(0);
    expect(followers.sort()).toEqual(['a', 'b', 'c']);
    expect(published).toEqual([]);
    elsewhere.clear();
  });

  it('a key no other worker runs is run here once and its answer published for the waiting workers', async () => {
    calls = 0;
    followers.length = 0;
    const query = '{ here2: here }';
    const answers = await Promise.all(['d', 'e'].map((id) => post(id, query)));
    expect(calls).toBe(1);
    expect(answers[0]!.body).toBe(answers[1]!.body);
    expect(published).toEqual([{ key: JSON.stringify({ query }), body: answers[0]!.body }]);
    expect(followers).toHaveLength(1);
  });
});
