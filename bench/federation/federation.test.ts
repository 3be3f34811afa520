import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import { createLogger } from '#common/logger.js';
import { BENCH_QUERY, benchSupergraph, startBenchSubgraphs, type RunningBenchSubgraphs } from './subgraphs.js';
import { expectedBenchBody, expectedBenchResult } from './expected.js';

/** The port answers like the original: a stock @apollo/gateway over it returns the independently built body. */
describe('gateway benchmark subgraphs', () => {
  let subgraphs: RunningBenchSubgraphs;
  let apollo: ApolloServer;

  beforeAll(async () => {
    subgraphs = await startBenchSubgraphs({
      log: createLogger({ level: 'silent' }),
      identityKey: generateKeyPairSync('ed25519').publicKey,
    });
    apollo = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: benchSupergraph(subgraphs.urls) }) });
    await apollo.start();
  });
  afterAll(async () => {
    await apollo?.stop();
    await subgraphs?.close();
  });

  it('answers the benchmark query exactly as the verified body', async () => {
    const response = await apollo.executeOperation({ query: BENCH_QUERY, operationName: 'TestQuery' });
    expect(response.body.kind).toBe('single');
    const result = response.body.kind === 'single' ? response.body.singleResult : null;
    expect(result?.errors).toBeUndefined();
    expect(JSON.stringify({ data: result?.data })).toBe(expectedBenchBody());
  });

  it('the verified body has the shape of the public benchmark', () => {
    const { data } = expectedBenchResult();
    expect(data.users).toHaveLength(6);
    expect(data.topProducts.map((p) => p.upc)).toEqual(['1', '2', '3', '4', '5']);
    // Review 11 belongs to product 4; every author is user 1 with the first two reviews.
    expect(data.topProducts[3]!.reviews.map((r) => r.id)).toEqual(['10', '11']);
    expect(data.topProducts[0]!.reviews[0]!.author.reviews.map((r) => r.id)).toEqual(['1', '2']);
    expect(data.topProducts[1]!.shippingEstimate).toBe(0);
    expect(data.topProducts[0]!.shippingEstimate).toBe(50);
  });

  it('refuses a forged identity even though unsigned requests are let in', async () => {
    const res = await fetch(subgraphs.urls.accounts, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-identity': 'v1.forged.sig' },
      body: JSON.stringify({ query: '{ users { id } }' }),
    });
    expect(res.status).toBe(401);
  });
});
