import { z } from 'zod';
import { ConfigError, env, parseConfig } from '../../subgraphs/shared/src/config.js';

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
  MAX_DEPTH: env.int(10, 1),
  MAX_ALIASES: env.int(15, 0),
  MAX_DIRECTIVES: env.int(10, 0),
  MAX_TOKENS: env.int(1_000, 10),
  MAX_COST: env.int(50_000, 1),
  SHUTDOWN_GRACE_MS: env.ms(10_000),
  /** Requests per second per caller (client, user, or address when anonymous); 0 turns it off. */
  RATE_LIMIT_PER_SECOND: env.int(100, 0),
  RATE_LIMIT_BURST: env.int(200, 1),
});

export type GatewayConfig = z.infer<typeof schema> & {
  /** SUBGRAPH_URL_<NAME> overrides the URL the supergraph names for <name>. */
  subgraphUrls: Record<string, string>;
  /** SUBGRAPH_TIMEOUT_MS_<NAME> overrides SUBGRAPH_TIMEOUT_MS for <name>. */
  subgraphTimeouts: Record<string, number>;
};

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const base = parseConfig(schema, source);
  const perSubgraph = <T>(prefix: string, type: z.ZodType<T>, what: string): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [key, value] of Object.entries(source)) {
      if (!key.startsWith(prefix) || !value) continue;
      const parsed = type.safeParse(value);
      if (!parsed.success) throw new ConfigError(`Invalid configuration:\n  ${key}: ${what}`);
      out[key.slice(prefix.length).toLowerCase()] = parsed.data;
    }
    return out;
  };
  return {
    ...base,
    subgraphUrls: perSubgraph('SUBGRAPH_URL_', z.string().url(), 'not a URL'),
    subgraphTimeouts: perSubgraph('SUBGRAPH_TIMEOUT_MS_', z.coerce.number().int().positive(), 'not a positive number of milliseconds'),
  };
}
