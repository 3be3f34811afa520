import { z } from 'zod';
import { ConfigError, env, identityKeyVariables, parseConfig, perSubgraph } from '#common/config.js';
import { auditConfigSchema } from '#common/audit/config.js';
import { DEFAULT_MAX_JSON_DEPTH } from '#common/json-depth.js';

const schema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  PORT: env.port(4000),
  /** Loopback by default: the hub holds personal data; set 0.0.0.0 inside a container. */
  HOST: z.string().default('127.0.0.1'),
  SUPERGRAPH_PATH: z.string().default('schema/supergraph.graphql'),
  /** Per-subgraph fetch timeout (the stock gateway waits forever). */
  SUBGRAPH_TIMEOUT_MS: env.ms(5_000),
  /** Keep-alive connections per subgraph origin. */
  SUBGRAPH_CONNECTIONS: env.int(64, 1),
  MAX_BODY_BYTES: env.int(100 * 1024, 1024),
  /** Largest feed body (`POST /feeds/…`, streamed; MAX_BODY_BYTES does not apply); a client's `feedLimits.maxBytes` overrides it. */
  FEED_MAX_BYTES: env.int(512 * 1024 * 1024, 1),
  /** Feed runs per minute per machine client; its `feedLimits.perMinute` overrides it; 0 turns it off. */
  FEED_RATE_PER_MINUTE: env.int(30, 0),
  /**
   * Deepest nesting of objects and arrays in a request's JSON (the body is level 1); deeper is 400
   * (common/json-depth.ts). At most 1,000: some thousands of levels overflow the stack of whatever
   * walks the parsed value recursively.
   */
  MAX_JSON_DEPTH: z.coerce.number().int().min(2).max(1_000).default(DEFAULT_MAX_JSON_DEPTH),
  MAX_DEPTH: env.int(10, 1),
  MAX_ALIASES: env.int(15, 0),
  MAX_DIRECTIVES: env.int(10, 0),
  MAX_TOKENS: env.int(1_000, 10),
  MAX_COST: env.int(50_000, 1),
  SHUTDOWN_GRACE_MS: env.ms(10_000),
  /** Requests per second per caller (client, user, or address when anonymous); 0 turns it off. */
  RATE_LIMIT_PER_SECOND: env.int(100, 0),
  RATE_LIMIT_BURST: env.int(200, 1),
  /** `keycloak` (default): every request needs a valid bearer token. `off`: no authentication — refused in production. */
  AUTH_MODE: z.enum(['keycloak', 'off']).default('keycloak'),
  /** Keycloak's auth-server-url (no /realms/…); the default is the development provider `npm start` runs. */
  KEYCLOAK_URL: z.string().url().default('http://127.0.0.1:4080'),
  KEYCLOAK_REALM: z.string().min(1).default('integrity-hub'),
  /** The hub's client id in the realm: every access token's `aud` must name it. */
  KEYCLOAK_AUDIENCE: z.string().min(1).default('integrity-hub'),
  /** Least seconds between two JWKS fetches for an unknown key id. */
  KEYCLOAK_JWKS_MIN_INTERVAL_S: z.coerce.number().min(0).default(10),
  /** Machine clients' persisted-operation allow-list (gateway/src/persisted.ts). */
  PERSISTED_OPERATIONS_PATH: z.string().default('gateway/persisted-operations.json'),
  /** Where the gateway writes the audit log (schema `audit`, role audit_writer); required in production. */
  AUDIT_WRITER_DATABASE_URL: z.string().url().optional(),
  /** Hash of new audit-chain entries (the audit log's own setting, audit/config.ts). */
  AUDIT_HASH: auditConfigSchema.shape.AUDIT_HASH,
  AUDIT_FLUSH_MS: env.ms(200),
  /** In-flight collapsing of identical client queries of callers with the same scope (collapse.ts). */
  COLLAPSE_OPERATIONS: z.enum(['on', 'off']).default('on'),
  /** In-flight deduplication of identical subgraph queries for the same identity (subgraph-fetcher.ts). */
  SUBGRAPH_DEDUP: z.enum(['on', 'off']).default('on'),
  /** Gateway processes sharing the port (node:cluster); 1 = this process serves alone. */
  GATEWAY_WORKERS: env.int(1, 1),
  /** The key signing the identity sent to subgraphs (HUB_IDENTITY_PRIVATE_KEY; required in production). */
  ...identityKeyVariables,
});

export type GatewayConfig = z.infer<typeof schema> & {
  /** SUBGRAPH_URL_<NAME> overrides the URL the supergraph names for <name>. */
  subgraphUrls: Record<string, string>;
  /** SUBGRAPH_TIMEOUT_MS_<NAME> overrides SUBGRAPH_TIMEOUT_MS for <name>. */
  subgraphTimeouts: Record<string, number>;
};

/** The gateway's configuration from its process's environment (index.ts passes `process.env`), or from the hub's (scripts/lib/hub.ts). */
export function loadGatewayConfig(source: Record<string, string | undefined>): GatewayConfig {
  const base = parseConfig(schema, source);
  if (base.NODE_ENV === 'production') {
    const missing = [
      base.AUTH_MODE === 'off' && 'AUTH_MODE=off is refused in production',
      !source.KEYCLOAK_URL && "KEYCLOAK_URL is required in production (the realm's auth-server-url)",
      !base.AUDIT_WRITER_DATABASE_URL && 'AUDIT_WRITER_DATABASE_URL is required in production (the audit log is mandatory)',
    ].filter(Boolean);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.join('\n  ')}`);
  }
  return {
    ...base,
    subgraphUrls: perSubgraph(source, 'SUBGRAPH_URL_', z.string().url(), 'not a URL'),
    subgraphTimeouts: perSubgraph(
      source,
      'SUBGRAPH_TIMEOUT_MS_',
      z.coerce.number().int().positive(),
      'not a positive number of milliseconds',
    ),
  };
}
