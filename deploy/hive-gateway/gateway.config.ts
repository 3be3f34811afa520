import type { GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { loadAllowList } from '../../gateway/src/persisted.js';
import { loadSigningKey } from '#common/identity-signature.js';
import { createLogger } from '#common/logger.js';
import { useHubIdentity } from './hub-identity.js';

/**
 * The hub on Hive Gateway (README.md next to this file): the committed supergraph, the Rust query
 * planner, and the hub's identity behaviour (hub-identity.ts). Read from the hub gateway's own
 * environment variables, with its defaults and validation (gateway/src/config.ts):
 * SUPERGRAPH_PATH, SUBGRAPH_URL_<NAME>, SUBGRAPH_TIMEOUT_MS[_<NAME>], KEYCLOAK_URL / _REALM /
 * _AUDIENCE / _JWKS_MIN_INTERVAL_S, PERSISTED_OPERATIONS_PATH, RATE_LIMIT_PER_SECOND / _BURST,
 * HOST, PORT, LOG_LEVEL; and HUB_IDENTITY_PRIVATE_KEY (`loadSigningKey`).
 *
 * The CLI is not in the hub's default install (README.md next to this file, "Run it"), so this file
 * imports no Hive code at run time and is not wrapped in the CLI's `defineConfig` (an identity
 * function): a plain object, checked against the runtime's config type. The Rust planner is set by
 * the CLI's `--hive-router-runtime`, which imports it from the CLI's own package (a second copy
 * imported here would not share the CLI's dependencies); started without it, this file refuses.
 */
// This process's environment, read here once.
const source = process.env;
if (source.NODE_ENV === 'production') {
  // The hub's audit log (等保2.0) records every answered operation from an Apollo Server plugin
  // (gateway/src/audit.ts) that has no Hive counterpart yet: only refusals would be recorded.
  throw new Error(
    'deploy/hive-gateway is not for production yet: answered operations are not written to the audit log (see deploy/hive-gateway/README.md)',
  );
}

if (!process.argv.includes('--hive-router-runtime') && !/^(1|t|true|y|yes|on|enabled)$/i.test(source.HIVE_ROUTER_RUNTIME ?? '')) {
  throw new Error(
    'deploy/hive-gateway serves with the Rust query planner: start the CLI with --hive-router-runtime (or HIVE_ROUTER_RUNTIME=1), see deploy/hive-gateway/README.md',
  );
}

const config = loadGatewayConfig(source);
if (config.AUTH_MODE === 'off') throw new Error('AUTH_MODE=off is not supported on Hive Gateway: every request needs a bearer token');
const log = createLogger({ level: config.LOG_LEVEL, base: { service: 'hive-gateway' } });

/** What the CLI's config takes beyond the runtime's: where to listen (its `ServerConfig`). */
type CliSupergraphConfig = GatewayConfigSupergraph & { host?: string; port?: number };

export const gatewayConfig = {
  supergraph: config.SUPERGRAPH_PATH,
  // SUBGRAPH_URL_<NAME> overrides the URL the supergraph names for <name>, as on the hub gateway.
  transportEntries: Object.fromEntries(Object.entries(config.subgraphUrls).map(([name, location]) => [name, { location }])),
  upstreamTimeout: ({ subgraphName }) => (subgraphName && config.subgraphTimeouts[subgraphName]) || config.SUBGRAPH_TIMEOUT_MS,
  // Loopback unless told otherwise, as the hub gateway (Hive's own default is 0.0.0.0).
  host: config.HOST,
  port: config.PORT,
  plugins: () => [
    useHubIdentity({
      keycloak: {
        serverUrl: config.KEYCLOAK_URL,
        realm: config.KEYCLOAK_REALM,
        audience: config.KEYCLOAK_AUDIENCE,
        minJwksIntervalSeconds: config.KEYCLOAK_JWKS_MIN_INTERVAL_S,
      },
      signingKey: loadSigningKey(config),
      allowList: loadAllowList(config.PERSISTED_OPERATIONS_PATH),
      rateLimit: { perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST },
      log,
    }),
  ],
} satisfies CliSupergraphConfig;
