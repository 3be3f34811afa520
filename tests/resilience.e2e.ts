import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createLogger } from '#common/logger.js';
import { startSubgraph, type RunningSubgraph } from '#platform/subgraph.js';
import { directory } from '../subgraphs/directory/src/subgraph.js';
import { gql } from './helpers/graphql.js';
import { identityOf, testKeys, vouchedHeaders } from './helpers/identities.js';

/**
 * docs/security.md, "Reliability": a database that cannot be reached gives fast, clear, retryable errors.
 * "Fast" is asserted by what happened, not by a stopwatch: a refused connection is answered without
 * waiting for any timeout (the connect timeout is set far beyond the test's), and a database that
 * accepts but never answers is given up on at the connect timeout (the cause logged says so).
 */
const QUERY = '{ hospitals { totalCount } }';
const headers = () => vouchedHeaders('directory', identityOf(['supervisor'], { regionCode: '330000' }));

/** A directory subgraph on `databaseUrl`, with its error log. */
async function directoryOn(databaseUrl: string, connectionTimeoutMillis: number) {
  const logged: string[] = [];
  const log = createLogger({ level: 'error', sink: (line) => logged.push(line) });
  const sub = await startSubgraph(directory, {
    databaseUrl,
    port: 0,
    log,
    development: false,
    identityKey: testKeys.publicKey,
    db: { connectionTimeoutMillis },
  });
  return { sub, logged };
}

describe('database refusing connections', () => {
  let refused: { sub: RunningSubgraph<unknown>; logged: string[] };
  // Port 1: nothing listens there; the connect timeout is ten minutes, so only a refusal answers in time.
  beforeAll(async () => void (refused = await directoryOn('postgresql://postgres@127.0.0.1:1/nowhere', 600_000)));
  afterAll(() => refused?.sub.close());

  it('answers at once with SERVICE_UNAVAILABLE, no internal detail, and logs the refusal as the cause', async () => {
    const res = await gql(refused.sub.url, QUERY, undefined, await headers());
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(res.body.data ?? null).toBeNull();
    expect(res.text).not.toMatch(/127\.0\.0\.1|P1001|repository\.ts/);
    const cause = refused.logged.find((l) => l.includes('database unavailable'));
    expect(cause).toMatch(/P1001/);
    expect(cause).not.toMatch(/timeout/i);
  });

  it('reports not ready on /readyz while alive on /healthz', async () => {
    const base = refused.sub.url.replace('/graphql', '');
    const ready = await request(`${base}/readyz`);
    expect(ready.statusCode).toBe(503);
    await ready.body.dump();
    const alive = await request(`${base}/healthz`);
    expect(alive.statusCode).toBe(200);
    await alive.body.dump();
  });
});

describe('database accepting connections and never answering', () => {
  let hole: Server;
  const sockets = new Set<Socket>();
  let attempts = 0;
  let silent: { sub: RunningSubgraph<unknown>; logged: string[] };
  beforeAll(async () => {
    hole = createServer((socket) => {
      attempts++;
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    silent = await directoryOn(`postgresql://postgres@127.0.0.1:${(hole.address() as AddressInfo).port}/nowhere`, 200);
  });
  afterAll(async () => {
    await silent?.sub.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => hole?.close(resolve));
  });

  it('gives up at the connect timeout with SERVICE_UNAVAILABLE, after one attempt', async () => {
    const res = await gql(silent.sub.url, QUERY, undefined, await headers());
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(res.text).not.toMatch(/127\.0\.0\.1|timeout|repository\.ts/);
    // The timeout fired (that is the cause logged), for the one connection the query needed: no retry loop.
    expect(silent.logged.find((l) => l.includes('database unavailable'))).toMatch(/connection timeout/);
    expect(attempts).toBe(1);
  });
});
