import { z } from 'zod';
import { ConfigError, env, identityKeyVariables, parseConfig, perSubgraph } from '#common/config.js';
import { loadVerificationKey } from '#common/identity-signature.js';
import { createLogger, type LogLevel } from '#common/logger.js';
import { startSubgraph, type AnySubgraph, type SubgraphRuntimeOptions } from './subgraph.js';

/** What a subgraph running alone is configured with (every variable is in docs/configuration.md). */
export interface SubgraphConfig extends Pick<
  SubgraphRuntimeOptions,
  'databaseUrl' | 'development' | 'poolSize' | 'identityKey' | 'feedPeers'
> {
  port: number;
  host: string;
  logLevel: LogLevel;
}

/**
 * A subgraph's configuration from its process's environment: its database URL is
 * `<NAME>_DATABASE_URL`, else `DATABASE_URL`; its port `<NAME>_PORT`, else the one it declares; the
 * gateway's public key HUB_IDENTITY_PUBLIC_KEY (outside production: the development key's).
 */
export function loadSubgraphConfig(def: AnySubgraph, source: Record<string, string | undefined>): SubgraphConfig {
  const prefix = def.name.toUpperCase();
  const config = parseConfig(
    z
      .object({
        NODE_ENV: env.nodeEnv(),
        LOG_LEVEL: env.logLevel(),
        HOST: z.string().default('127.0.0.1'),
        [`${prefix}_PORT`]: env.port(def.port),
        [`${prefix}_DATABASE_URL`]: env.url().optional(),
        DATABASE_URL: env.url().optional(),
        DB_POOL_SIZE: env.int(10, 1),
        ...identityKeyVariables,
      })
      .refine((c) => (c as Record<string, unknown>)[`${prefix}_DATABASE_URL`] ?? c.DATABASE_URL, {
        message: `set ${prefix}_DATABASE_URL or DATABASE_URL (or use npm start for the embedded database)`,
        path: ['DATABASE_URL'],
      }),
    source,
  );
  const own = config as Record<string, unknown>;
  // The other subgraphs' URLs for feed look-ups: SUBGRAPH_URL_<NAME>, the variables the gateway reads.
  const peerUrls = new Map(Object.entries(perSubgraph(source, 'SUBGRAPH_URL_', z.string().url(), 'not a URL')));
  return {
    databaseUrl: (own[`${prefix}_DATABASE_URL`] ?? config.DATABASE_URL) as string,
    port: own[`${prefix}_PORT`] as number,
    host: config.HOST,
    logLevel: config.LOG_LEVEL,
    development: config.NODE_ENV !== 'production',
    poolSize: config.DB_POOL_SIZE,
    identityKey: loadVerificationKey(config),
    feedPeers: { urls: () => peerUrls, embedded: false },
  };
}

/**
 * Run one subgraph alone (`npm run start:subgraph -- <name>`): its configuration is read here, from
 * this process's environment, once.
 */
export async function runSubgraph(def: AnySubgraph): Promise<void> {
  const { logLevel, ...config } = loadSubgraphConfig(def, process.env);
  const log = createLogger({ level: logLevel });
  const running = await startSubgraph(def, { ...config, log });
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

export function runSubgraphOrExit(def: AnySubgraph): void {
  runSubgraph(def).catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
