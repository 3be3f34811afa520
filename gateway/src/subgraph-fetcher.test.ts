import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, isConnectionReset } from './subgraph-fetcher.js';
import { until } from '#testing/gate.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that resets the connection of the first `resets` requests, then answers. */
async function flakyServer(resets: number): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((req, res) => {
    hits += 1;
    req.resume();
    req.on('end', () => {
      if (hits <= resets) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":{"ok":true}}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, hits: () => hits };
}

const body = (query: string) => JSON.stringify({ query });

describe('subgraph fetcher', () => {
  it('retries a query once when the connection is reset', async () => {
    const { url, hits } = await flakyServer(1);
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 4 });
    const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body('query Q { ok }') });
    expect(await res.json()).toEqual({ data: { ok: true } });
    expect(hits()).toBe(2);
    await close();
  });

  it('does not retry twice', async () => {
    const { url, hits } = await flakyServer(2);
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 4 });
    await expect(fetcher(url, { method: 'POST', body: body('query Q { ok }') })).rejects.toSatisfy(isConnectionReset);
    expect(hits()).toBe(2);
    await close();
  });

  it('never retries a mutation', async () => {
    const { url, hits } = await flakyServer(1);
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 4 });
    await expect(fetcher(url, { method: 'POST', body: body('mutation M { ok }') })).rejects.toSatisfy(isConnectionReset);
    expect(hits()).toBe(1);
    await close();
  });

  it('gives up at the timeout', async () => {
    let hits = 0;
    server = createServer(() => void hits++); // never answers
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 200, connections: 4 });
    // What ended it is the fetch's own timeout (not a reset, not the server), for a request the server did get.
    await expect(fetcher(url, { method: 'POST', body: body('query Q { ok }') })).rejects.toMatchObject({ name: 'TimeoutError' });
    await until(() => hits === 1, 20_000, 'the server to have seen the request');
    server.closeAllConnections();
    await close();
  });
});

/** A server that counts requests and answers each after `delayMs` with a JSON body echoing what it got. */
async function slowServer(delayMs = 50): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((req, res) => {
    hits += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-served': String(hits) });
        res.end(
          JSON.stringify({
            data: {
              ok: true,
              list: [1, 2, 3],
              identity: req.headers['x-hub-identity'] ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
            },
          }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, hits: () => hits };
}

const init = (identity: string, b: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-hub-identity': identity },
  body: b,
});
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('subgraph fetcher dedup', () => {
  it('shares one fetch between identical concurrent queries; each gets its own parsed body', async () => {
    const { url, hits } = await slowServer();
    const { fetcher, inflight, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 10, dedup: true });
    const responses = await Promise.all(times(10, () => fetcher(url, init('v1.alice.sig', body('query Q { ok }')))));
    expect(hits()).toBe(1);
    expect(inflight.shared).toBe(9);
    expect(responses.every((r) => r.ok && r.status === 200)).toBe(true);
    const parsed = (await Promise.all(responses.map((r) => r.json()))) as { data: { ok: boolean; list: number[]; identity: string } }[];
    expect(new Set(parsed).size).toBe(10);
    for (const p of parsed) expect(p).toEqual(parsed[0]);
    expect(parsed[0]!.data.identity).toBe('v1.alice.sig');
    // The gateway merges into what it parses: one sharer's changes must not reach another.
    parsed[0]!.data.ok = false;
    parsed[0]!.data.list.push(4);
    expect(parsed[1]!.data).toMatchObject({ ok: true, list: [1, 2, 3] });
    expect(await responses[2]!.json()).toMatchObject({ data: { ok: true, list: [1, 2, 3] } });
    await close();
  });

  it('does not share between different identity headers or different bodies', async () => {
    const { url, hits } = await slowServer();
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 10, dedup: true });
    const responses = await Promise.all([
      fetcher(url, init('v1.alice.sig', body('query Q { ok }'))),
      fetcher(url, init('v1.bob.sig', body('query Q { ok }'))),
      fetcher(url, init('v1.alice.sig', JSON.stringify({ query: 'query Q($id: ID) { ok(id: $id) }', variables: { id: '1' } }))),
      fetcher(url, init('v1.alice.sig', JSON.stringify({ query: 'query Q($id: ID) { ok(id: $id) }', variables: { id: '2' } }))),
      fetcher(url, { method: 'POST', body: body('query Q { ok }') }), // no identity header at all
    ]);
    expect(hits()).toBe(5);
    const parsed = (await Promise.all(responses.map((r) => r.json()))) as { data: { identity: string | null; body: string } }[];
    expect(parsed.map((p) => p.data.identity)).toEqual(['v1.alice.sig', 'v1.bob.sig', 'v1.alice.sig', 'v1.alice.sig', null]);
    expect(JSON.parse(parsed[3]!.data.body)).toMatchObject({ variables: { id: '2' } });
    await close();
  });

  it('never shares a mutation', async () => {
    const { url, hits } = await slowServer();
    const { fetcher, inflight, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 10, dedup: true });
    const responses = await Promise.all(times(10, () => fetcher(url, init('v1.alice.sig', body('mutation M { ok }')))));
    expect(hits()).toBe(10);
    expect(inflight.shared).toBe(0);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await close();
  });

  it('shares nothing when dedup is off', async () => {
    const { url, hits } = await slowServer();
    const { fetcher, inflight, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 10, dedup: false });
    await Promise.all(times(10, () => fetcher(url, init('v1.alice.sig', body('query Q { ok }')))));
    expect(hits()).toBe(10);
    expect(inflight.shared).toBe(0);
    await close();
  });

  it('caches nothing: sequential identical queries each reach the subgraph', async () => {
    const { url, hits } = await slowServer(5);
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 4, dedup: true });
    const served: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetcher(url, init('v1.alice.sig', body('query Q { ok }')));
      served.push(res.headers.get('x-served'));
    }
    expect(hits()).toBe(3);
    expect(served).toEqual(['1', '2', '3']);
    await close();
  });

  it('shares a failure with the concurrent callers, then tries again', async () => {
    const { url, hits } = await flakyServer(2); // first fetch and its retry reset
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000, connections: 10, dedup: true });
    const settled = await Promise.allSettled(times(5, () => fetcher(url, init('v1.alice.sig', body('query Q { ok }')))));
    expect(settled.every((s) => s.status === 'rejected' && isConnectionReset(s.reason))).toBe(true);
    expect(hits()).toBe(2);
    const res = await fetcher(url, init('v1.alice.sig', body('query Q { ok }')));
    expect(await res.json()).toEqual({ data: { ok: true } });
    expect(hits()).toBe(3);
    await close();
  });
});
