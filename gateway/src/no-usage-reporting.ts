import { createRequire } from 'node:module';

/**
 * @apollo/gateway (2.14) builds an OpenTelemetry meter provider in every ApolloGateway it
 * constructs: its resource detectors probe cloud metadata endpoints (AWS, GCP, Azure, Alibaba) and
 * it exports usage metrics to usage-reporting.api.apollographql.com. Nothing of a government hub
 * may leave it uninvited (docs/security.md), however the process was started. The only switch
 * Apollo offers is APOLLO_TELEMETRY_DISABLED in the process environment — no constructor option —
 * and the hub never writes to `process.env` (configuration is read once, by each process's config
 * module: common/config.ts), nor can it rely on every launcher (npm scripts, compose, tests,
 * benchmarks) setting it. So the factory the constructor calls through its module's exports,
 * `createDataCollectionExporter`, is replaced here by one that builds nothing. Must load before
 * the first ApolloGateway is made: server.ts imports it. Fails loudly if a new version of
 * @apollo/gateway no longer has that factory (then look for the switch again).
 */
const MODULE = '@apollo/gateway/dist/utilities/opentelemetry.js';
const telemetry = createRequire(import.meta.url)(MODULE) as { createDataCollectionExporter?: unknown };
if (typeof telemetry.createDataCollectionExporter !== 'function') {
  throw new Error(
    `${MODULE} no longer exports createDataCollectionExporter: check how this @apollo/gateway turns its usage reporting off (gateway/src/no-usage-reporting.ts)`,
  );
}

let refused = 0;
/** How many gateways asked for a usage exporter and got none (tests). */
export const usageExportersRefused = () => refused;

telemetry.createDataCollectionExporter = () => {
  refused += 1;
  return { shutdown: async () => undefined };
};
