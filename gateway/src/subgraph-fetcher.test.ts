import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, isConnectionReset } from './subgraph-fetcher.js';

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
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/graphql`, hits: () => hits };
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
    server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 200, connections: 4 });
    const started = performance.now();
    await expect(fetcher(url, { method: 'POST', body: body('query Q { ok }') })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1_000);
    server.closeAllConnections();
    await close();
  });
});
