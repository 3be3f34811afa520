/**
 * Gateway (3) of `npm run bench:gateway`: the configuration file of Hive Gateway with the Rust
 * query planner (@graphql-hive/router-runtime), as graphql-hive/graphql-gateways-benchmark runs it
 * (gateways/hive-gateway-router-runtime/gateway.config.ts), started with
 * `hive-gateway supergraph <path> --config-path bench/federation/hive-gateway.ts --hive-router-runtime`.
 *
 * The CLI and the planner come from the benchmarks' own package (bench/deps, docs/benchmarks.md,
 * Install), not the hub's default install. So this file imports nothing at run time: an import here
 * would resolve the hub's node_modules (the nearest to this file), a second copy of graphql beside
 * the CLI's. The planner is set by `--hive-router-runtime` instead, which makes the CLI import it
 * from its own package; the public benchmark's `defineConfig({ unifiedGraphHandler })` does the same.
 *
 * BENCH_HIVE_INBOUND_DEDUP=on|off sets `inboundInflightRequestDeduplication` (collapsing of
 * identical in-flight client requests; the public benchmark turns it on). Deduplication of
 * identical subgraph fetches stays at Hive's default (on) either way.
 */
import type { GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';

export const gatewayConfig = {
  inboundInflightRequestDeduplication: process.env.BENCH_HIVE_INBOUND_DEDUP === 'on',
} satisfies Partial<GatewayConfigSupergraph>;
