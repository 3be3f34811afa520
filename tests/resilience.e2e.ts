import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createLogger } from '#common/logger.js';
import { startSubgraph, type RunningSubgraph } from '#platform/subgraph.js';
import { directory } from '../subgraphs/directory/src/subgraph.js';
import { gql } from './helpers/graphql.js';
import { identityOf, testKeys, vouchedHeaders } from './helpers/identities.js';

/** SECURITY.md "Reliability": a database that cannot be reached gives fast, clear, retryable errors. */
let sub: RunningSubgraph<unknown>;
const logged: string[] = [];
beforeAll(async () => {
  const log = createLogger({ level: 'error', sink: (line) => logged.push(line) });
  sub = await startSubgraph(directory, { databaseUrl: 'postgresql://postgres@127.0.0.1:1/nowhere', port: 0, log, development: false, identityKey: testKeys.publicKey });
});
afterAll(() => sub?.close());

describe('database unavailable', () => {
  it('answers fast with SERVICE_UNAVAILABLE, no internal detail, and logs the cause', async () => {
    const headers = await vouchedHeaders('directory', identityOf(['supervisor'], { regionCode: '330000' }));
    const started = performance.now();
    const res = await gql(sub.url, '{ hospitals { totalCount } }', undefined, headers);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.text).not.toMatch(/127\.0\.0\.1|P1001|repository\.ts/);
    expect(logged.some((l) => l.includes('database unavailable') && l.includes('P1001'))).toBe(true);
  });

  it('reports not ready on /readyz while alive on /healthz', async () => {
    const base = sub.url.replace('/graphql', '');
    const ready = await request(`${base}/readyz`);
    expect(ready.statusCode).toBe(503);
    await ready.body.dump();
    const alive = await request(`${base}/healthz`);
    expect(alive.statusCode).toBe(200);
    await alive.body.dump();
  });
});
