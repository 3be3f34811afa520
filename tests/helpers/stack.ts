import { createLogger, type Logger } from '../../subgraphs/shared/src/logger.js';
import { listen } from '../../subgraphs/shared/src/http.js';
import { createTestDatabase } from '../../subgraphs/shared/src/db/test-database.js';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/src/subgraph.js';
import { registry } from '../../subgraphs/registry.js';
import type { SubgraphName } from '../../subgraphs/names.js';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/server.js';
import { gql, type GraphQLResponse } from './graphql.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { compose, hubSubgraphs } from '../../scripts/lib/supergraph.js';
import type { AnySubgraph } from '../../subgraphs/shared/src/subgraph.js';

export interface Stack {
  gatewayUrl: string;
  subgraphs: Record<string, RunningSubgraph<unknown>>;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * The real thing on port 0: a fresh PostgreSQL database (created and dropped here), every
 * subgraph over HTTP, and the gateway serving the committed supergraph with URL overrides.
 */
export async function startStack(
  opts: { gatewayEnv?: Record<string, string>; subgraphs?: SubgraphName[]; extra?: AnySubgraph[]; log?: Logger } = {},
): Promise<Stack> {
  const names = opts.subgraphs ?? (Object.keys(registry) as SubgraphName[]);
  const log = opts.log ?? createLogger({ level: (process.env.TEST_LOG_LEVEL as 'error') ?? 'silent' });
  const database = await createTestDatabase({ subgraphs: names });
  const subgraphs: Record<string, RunningSubgraph<unknown>> = {};
  const stops: (() => Promise<void>)[] = [() => database.drop()];
  try {
    for (const name of names) {
      const sub = await startSubgraph(registry[name], { databaseUrl: database.urlFor(name), port: 0, log, development: false });
      subgraphs[name] = sub;
      stops.push(() => sub.close());
    }
    for (const def of opts.extra ?? []) {
      const sub = await startSubgraph(def, { port: 0, log, development: false });
      subgraphs[def.name] = sub;
      stops.push(() => sub.close());
    }
    const all = [...names, ...(opts.extra ?? []).map((d) => d.name)];
    const config = loadGatewayConfig({
      SUPERGRAPH_PATH: opts.extra?.length ? composeWith(opts.extra) : 'schema/supergraph.graphql',
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      ...Object.fromEntries(all.map((n) => [`SUBGRAPH_URL_${n.toUpperCase()}`, subgraphs[n]!.url])),
      ...opts.gatewayEnv,
    });
    const gateway = await createGateway(config, log);
    stops.push(() => gateway.stop());
    const http = await listen(gateway.server, 0);
    stops.push(() => http.close(1_000));
    return {
      gatewayUrl: http.url,
      subgraphs,
      database,
      query: <T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => gql<T>(http.url, query, variables, headers),
      stop: async () => {
        for (const fn of stops.reverse()) await fn();
      },
    };
  } catch (err) {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    throw err;
  }
}

/** The hub's subgraphs plus test subgraphs, composed into a temporary supergraph file. */
function composeWith(extra: AnySubgraph[]): string {
  const result = compose([...hubSubgraphs(), ...extra.map((d) => ({ name: d.name, url: `http://localhost/${d.name}`, sdl: print(d.typeDefs) }))]);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const file = join(mkdtempSync(join(tmpdir(), 'ih-supergraph-')), 'supergraph.graphql');
  writeFileSync(file, result.supergraphSdl);
  return file;
}
