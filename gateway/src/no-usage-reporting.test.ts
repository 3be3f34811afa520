import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageExportersRefused } from './no-usage-reporting.js';
import { ApolloGateway } from '@apollo/gateway';

describe('usage reporting to Apollo', () => {
  it('is never built by an ApolloGateway, without APOLLO_TELEMETRY_DISABLED in the environment', async () => {
    // The switch Apollo reads is not set (the hub never writes process.env): the constructor does ask for an exporter…
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBeUndefined();
    const before = usageExportersRefused();
    const gateway = new ApolloGateway({ supergraphSdl: readFileSync('schema/supergraph.graphql', 'utf8') });
    // …and gets none.
    expect(usageExportersRefused()).toBe(before + 1);
    await gateway.stop();
  });
});
