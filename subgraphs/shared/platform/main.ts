import { z } from 'zod';
import { ConfigError, env, parseConfig } from '#common/config.js';
import { createLogger } from '#common/logger.js';
import { startSubgraph, type AnySubgraph } from './subgraph.js';

/**
 * Run one subgraph alone (`npm run start:subgraph -- <name>` or subgraphs/<name>/src/index.ts).
 * Its database URL is `<NAME>_DATABASE_URL`, else `DATABASE_URL`; its port `<NAME>_PORT`, else the default.
 */
export async function runSubgraph(def: AnySubgraph): Promise<void> {
  const prefix = def.name.toUpperCase();
  const config = parseConfig(
    z.object({
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      HOST: z.string().default('127.0.0.1'),
      [`${prefix}_PORT`]: env.port(def.port),
      [`${prefix}_DATABASE_URL`]: env.url().optional(),
      DATABASE_URL: env.url().optional(),
      DB_POOL_SIZE: env.int(10, 1),
    }).refine((c) => c[`${prefix}_DATABASE_URL`] ?? c.DATABASE_URL, {
      message: `set ${prefix}_DATABASE_URL or DATABASE_URL (or use npm start for the embedded database)`,
      path: ['DATABASE_URL'],
    }),
  );
  const log = createLogger({ level: config.LOG_LEVEL as 'info', base: {} });
  const running = await startSubgraph(def, {
    databaseUrl: (config[`${prefix}_DATABASE_URL`] ?? config.DATABASE_URL) as string,
    port: config[`${prefix}_PORT`] as number,
    host: config.HOST as string,
    log,
    development: config.NODE_ENV !== 'production',
    poolSize: config.DB_POOL_SIZE as number,
  });
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
