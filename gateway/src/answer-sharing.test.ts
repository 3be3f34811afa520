import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createGraphQLHttpServer, listen, type RunningHttpServer } from '#common/http.js';
import { createLogger } from '#common/logger.js';
import { answerSharing, type CollapseOptions, type SharedResponse } from './answer-sharing.js';
import { createGate, until } from '#testing/gate.js';

/**
 * The resolvers below wait on a gate that opens only once the expected followers have joined the
 * leader's execution (`inflight.shared`), so sharing never depends on requests happening to overlap.
 */
function serve(options: CollapseOptions, resolve: (args: { n?: number | null }) => Promise<string>) {
  const apollo = new ApolloServer({
    typeDefs: 'type Query { slow(n: Int): String }',
    resolvers: { Query: { slow: (_: unknown, args: { n?: number | null }) => resolve(args) } },
  });
  const respond = answerSharing(options);
  let running: RunningHttpServer;
  return {
    respond,
    async start() {
      await apollo.start();
      running = await listen(
        createGraphQLHttpServer({ apollo, log: createLogger({ level: 'silent' }), context: async () => ({}), respond }),
        0,
      );
    },
    async stop() {
      await running.close(100);
      await apollo.stop();
    },
    async post(id: string, query: string) {
      const res = await request(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query }),
      });
      return {
        status: res.statusCode,
        requestId: res.headers['x-request-id'],
        contentType: res.headers['content-type'],
        body: await res.body.text(),
      };
    },
  };
}

describe('answer sharing: identical requests in flight', () => {
  let calls = 0;
  let collapseOn = true;
  let gate = createGate();
  const sharedWith: { requestId: string; ownHeader: unknown; response: SharedResponse }[] = [];
  const joinedBy: string[] = [];
  const metaReadFor: string[] = [];
  const server = serve(
    {
      key: (_req, body) => (collapseOn ? JSON.stringify(body) : null),
      meta: (req) => {
        const id = String(req.headers['x-request-id']);
        metaReadFor.push(id);
        return { leader: id };
      },
      joined: (_req, requestId) => joinedBy.push(requestId),
      shared: (req, requestId, response) => sharedWith.push({ requestId, ownHeader: req.headers['x-request-id'], response }),
    },
    async (args) => {
      const call = ++calls;
      await gate.opened;
      if (args.n === -1) throw new Error('refused by resolver');
      return `answer ${args.n ?? 0} #${call}`;
    },
  );
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  /** Fresh counters, and a gate that opens once `followers` requests have joined a running execution. */
  const reset = (followers: number) => {
    calls = 0;
    sharedWith.length = 0;
    joinedBy.length = 0;
    metaReadFor.length = 0;
    gate = createGate();
    const base = server.respond.inflight.shared;
    void until(() => server.respond.inflight.shared - base >= followers).then(gate.open);
  };

  it('runs identical concurrent requests once and answers all of them with that answer', async () => {
    reset(9);
    const ids = Array.from({ length: 10 }, (_, i) => `req-${i}`);
    const answers = await Promise.all(ids.map((id) => server.post(id, '{ slow(n: 1) }')));
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
    // joined() came for the same nine, as they joined (the gate opened only after the ninth).
    expect(joinedBy.sort()).toEqual(ids.filter((id) => id !== leader).sort());
    for (const s of sharedWith) {
      expect(s.ownHeader).toBe(s.requestId);
      expect(s.response.leaderRequestId).toBe(leader);
      expect(s.response.meta).toEqual({ leader });
      expect(s.response.status).toBe(200);
      expect(s.response.body.toString('utf8')).toBe(answers[0]!.body);
    }
  });

  it('runs different requests separately', async () => {
    reset(1);
    const answers = await Promise.all([
      server.post('a', '{ slow(n: 1) }'),
      server.post('b', '{ slow(n: 2) }'),
      server.post('c', '{ slow(n: 1) }'),
    ]);
    expect(calls).toBe(2);
    expect(answers[0].body).toBe(answers[2].body);
    expect(answers[1].body).not.toBe(answers[0].body);
    expect(sharedWith).toHaveLength(1);
    expect(['a', 'c']).toContain(sharedWith[0]!.requestId);
  });

  it('keeps nothing once answered: the same request later runs again', async () => {
    reset(0);
    const first = await server.post('x', '{ slow(n: 3) }');
    const second = await server.post('y', '{ slow(n: 3) }');
    expect(calls).toBe(2);
    expect(JSON.parse(first.body)).toEqual({ data: { slow: 'answer 3 #1' } });
    expect(JSON.parse(second.body)).toEqual({ data: { slow: 'answer 3 #2' } });
    expect(sharedWith).toEqual([]);
  });

  it("shares the leader's error answer too", async () => {
    reset(3);
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => server.post(`e-${i}`, '{ slow(n: -1) }')));
    expect(calls).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ data: { slow: null }, errors: [{ message: 'refused by resolver' }] });
    expect(sharedWith).toHaveLength(3);
  });

  it('runs every request when the key is null', async () => {
    reset(0);
    collapseOn = false;
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => server.post(`n-${i}`, '{ slow(n: 1) }')));
      expect(calls).toBe(10);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(new Set(answers.map((a) => a.body)).size).toBe(10);
      expect(sharedWith).toEqual([]);
      expect(joinedBy).toEqual([]);
      expect(metaReadFor).toEqual([]);
    } finally {
      collapseOn = true;
    }
  });
});

describe('answer sharing with peer processes (cluster workers)', () => {
  let calls = 0;
  let gate = createGate();
  const published: { key: string; body: string | null }[] = [];
  const followers: string[] = [];
  const elsewhere = new Map<string, SharedResponse>();
  const server = serve(
    {
      key: (_req, body) => JSON.stringify(body),
      shared: (_req, requestId) => followers.push(requestId),
      peers: {
        // Another worker is running the keys in `elsewhere`; every other key runs here.
        join: async (key) => elsewhere.get(key) ?? null,
        publish: (key, response) => published.push({ key, body: response ? response.body.toString('utf8') : null }),
      },
    },
    async () => {
      calls++;
      await gate.opened;
      return `ran here #${calls}`;
    },
  );
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it("a key another worker is running is answered with that worker's answer: nothing runs here, every request is a follower", async () => {
    const query = '{ slow }';
    const theirs = '{"data":{"slow":"ran in worker 2"}}';
    elsewhere.set(JSON.stringify({ query }), {
      status: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(theirs),
      leaderRequestId: 'w2-1',
      meta: null,
    });
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => server.post(id, query)));
    expect(answers.map((a) => a.body)).toEqual([theirs, theirs, theirs]);
    expect(calls).toBe(0);
    expect(followers.sort()).toEqual(['a', 'b', 'c']);
    expect(published).toEqual([]);
    elsewhere.clear();
  });

  it('a key no other worker runs is run here once and its answer published for the waiting workers', async () => {
    calls = 0;
    followers.length = 0;
    gate = createGate();
    const base = server.respond.inflight.shared;
    void until(() => server.respond.inflight.shared - base >= 1).then(gate.open);
    const query = '{ slow2: slow }';
    const answers = await Promise.all(['d', 'e'].map((id) => server.post(id, query)));
    expect(calls).toBe(1);
    expect(answers[0]!.body).toBe(answers[1]!.body);
    expect(published).toEqual([{ key: JSON.stringify({ query }), body: answers[0]!.body }]);
    expect(followers).toHaveLength(1);
  });
});
