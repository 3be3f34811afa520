import { z } from 'zod';
import { env, parseConfig } from '../../subgraphs/shared/src/config.js';

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
};

export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const base = parseConfig(schema, source);
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    const match = /^SUBGRAPH_URL_([A-Z0-9_]+)$/.exec(key);
    if (!match || !value) continue;
    const url = z.string().url().safeParse(value);
    if (!url.success) throw new Error(`Invalid configuration:\n  ${key}: not a URL`);
    subgraphUrls[match[1]!.toLowerCase()] = value;
  }
  return { ...base, subgraphUrls };
}
