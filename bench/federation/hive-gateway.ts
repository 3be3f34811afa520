/**
 * Gateway (3) of `npm run bench:gateway`: the configuration file of Hive Gateway with the Rust
 * query planner (@graphql-hive/router-runtime), as graphql-hive/graphql-gateways-benchmark runs it
 * (gateways/hive-gateway-router-runtime/gateway.config.ts), started with
 * `hive-gateway supergraph <path> --config-path bench/federation/hive-gateway.ts`.
 *
 * BENCH_HIVE_INBOUND_DEDUP=on|off sets `inboundInflightRequestDeduplication` (collapsing of
 * identical in-flight client requests; the public benchmark turns it on). Deduplication of
 * identical subgraph fetches stays at Hive's default (on) either way.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

export const gatewayConfig = defineConfig({
  unifiedGraphHandler,
  inboundInflightRequestDeduplication: process.env.BENCH_HIVE_INBOUND_DEDUP === 'on',
});
