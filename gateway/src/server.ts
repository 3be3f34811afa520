import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { createFormatError } from '../../subgraphs/shared/src/format-error.js';
import { compactJson, createGraphQLHttpServer, sendJson } from '../../subgraphs/shared/src/http.js';
import type { Logger } from '../../subgraphs/shared/src/logger.js';
import { requestLoggingPlugin } from '../../subgraphs/shared/src/request-logging.js';
import type { GatewayConfig } from './config.js';
import { createGatewayContext, type GatewayContext } from './context.js';
import { createRateLimiter } from './rate-limit.js';
import { HubDataSource } from './datasource.js';
import { readinessRoute } from './health.js';
import { ideRoutes } from './ide.js';
import { operationLimitsRule } from './limits.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';

export const SAMPLE_QUERY = `# Hospitals of the demo city with their departments and staff counts
query CityHospitals {
  hospitals(filter: { regionCode: "330500" }, first: 5) {
    totalCount
    nodes { code name level region { name } departmentCount staffCount departments { name specialty } }
  }
}`;

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  server: Server;
  /** Subgraph name → URL actually used (after SUBGRAPH_URL_<NAME> overrides). */
  subgraphs: Map<string, string>;
  stop(): Promise<void>;
}

/** Build the gateway without listening (index.ts listens; tests listen on port 0). */
export async function createGateway(config: GatewayConfig, log: Logger): Promise<Gateway> {
  const development = config.NODE_ENV !== 'production';
  const subgraphs = new Map<string, string>();
  const http = createSubgraphFetcher({ timeoutMs: config.SUBGRAPH_TIMEOUT_MS, connections: config.SUBGRAPH_CONNECTIONS });
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}: set SUBGRAPH_URL_${name.toUpperCase()}`);
      subgraphs.set(name, target);
      return new HubDataSource(name, target, http.withTimeout(config.subgraphTimeouts[name] ?? config.SUBGRAPH_TIMEOUT_MS));
    },
    logger: { debug: () => undefined, info: (m) => log.info(String(m)), warn: (m) => log.warn(String(m)), error: (m) => log.error(String(m)) },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: development,
    includeStacktraceInErrorResponses: development,
    hideSchemaDetailsFromClientErrors: !development,
    csrfPrevention: true,
    // Shutdown is ours (index.ts / scripts/start.ts): Apollo's own signal handlers would race it.
    stopOnTerminationSignals: false,
    stringifyResult: compactJson,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.MAX_TOKENS },
    validationRules: [
      operationLimitsRule({ maxDepth: config.MAX_DEPTH, maxAliases: config.MAX_ALIASES, maxDirectives: config.MAX_DIRECTIVES, maxCost: config.MAX_COST }),
    ],
    maxRecursiveSelections: true,
    validationOptions: { maxErrors: 5 },
    formatError: createFormatError({ development, log }),
    // No per-field cache hints: they cost on every field of every (merged) response.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), requestLoggingPlugin<GatewayContext>('info')],
  });
  await apollo.start();

  const ide = development ? ideRoutes('/graphql', SAMPLE_QUERY) : null;
  const server = createGraphQLHttpServer<GatewayContext>({
    apollo,
    log,
    maxBodyBytes: config.MAX_BODY_BYTES,
    context: createGatewayContext(log, createRateLimiter({ perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST })),
    browserPage: ide?.page,
    routes: {
      '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
      '/readyz': readinessRoute(() => [...subgraphs].map(([name, url]) => ({ name, url })), Math.min(config.SUBGRAPH_TIMEOUT_MS, 2_000)),
      ...(ide?.assets ?? {}),
    },
  });
  return {
    apollo,
    server,
    subgraphs,
    stop: async () => {
      await apollo.stop();
      await http.close();
    },
  };
}
