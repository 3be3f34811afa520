// First: @apollo/gateway must load after this (flat-federation-internals.ts).
import './flat-federation-internals.js';
// Before any ApolloGateway is made: no usage reporting to Apollo (no-usage-reporting.ts).
import './no-usage-reporting.js';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { createFormatError } from '#common/format-error.js';
import { compactJson, createGraphQLHttpServer, sendJson } from '#common/http.js';
import type { Logger } from '#common/logger.js';
import { requestLoggingPlugin } from '#common/request-logging.js';
import type { GatewayConfig } from './config.js';
import type { KeyObject } from 'node:crypto';
import { createIdentitySigner, loadSigningKey } from '#common/identity-signature.js';
import { createAuditWriter } from '#common/audit/writer.js';
import { createGatewayContext, type GatewayContext } from './context.js';
import { HubDataSource, withoutServiceName } from './datasource.js';
import { createAdmission } from './admission.js';
import { operationCollapsing } from './collapse.js';
import { answerSharing } from './answer-sharing.js';
import { clusterCollapsePeers } from './cluster-collapse.js';
import { auditPlugin, refusedEntry, type AuditSink } from './audit.js';
import { createTokenVerifier } from './auth.js';
import { FEEDS_PREFIX, feedRoute } from './feeds.js';
import { loadAllowList, type AllowList } from './persisted.js';
import { schemaPrivacyPlugin } from './schema-privacy.js';
import { readinessRoute } from './health.js';
import { ideRoutes } from './ide.js';
import { operationLimitsRule } from './limits.js';
import { operationResolutionPlugin } from './operation-resolution.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';

export const SAMPLE_QUERY = `# Hospitals of the demo city with their departments and staff counts
query CityHospitals {
  hospitals(filter: { regionCode: "330500" }, first: 5) {
    totalCount
    nodes { code name level region { name } departmentCount staffCount departments { name specialty } }
  }
}`;

/** Lifetime of the peer identities a feed run carries for its cross-subgraph look-ups (a run may take many minutes). */
const PEER_IDENTITY_TTL_SECONDS = 60 * 60;

/** Longest a worker waits for another worker's answer before running the operation itself. */
const COLLAPSE_PEER_WAIT_MS = 30_000;

export interface Gateway {
  apollo: ApolloServer<GatewayContext>;
  server: Server;
  /** Subgraph name → URL actually used (after SUBGRAPH_URL_<NAME> overrides). */
  subgraphs: Map<string, string>;
  /** The machine clients' allow-list (tests register operations here). */
  allowList: AllowList;
  audit: AuditSink;
  /**
   * Requests answered by another's in-flight work: collapsed client operations (counted once
   * answered, those answered by another worker included) and deduplicated subgraph fetches; and
   * `joined`, the operations that joined one running in this process, counted as they join (what
   * a test waits for before letting the leader finish).
   */
  sharing(): { operations: number; fetches: number; joined: number };
  stop(): Promise<void>;
}

export interface GatewayDependencies {
  /** Where audit entries go; default: a writer on AUDIT_WRITER_DATABASE_URL (or the log, outside production). */
  audit?: AuditSink;
  /** Identity signing key; default the configured HUB_IDENTITY_PRIVATE_KEY (identity-signature.ts). */
  signingKey?: KeyObject;
  /** The rate limiter's clock in milliseconds; default performance.now (tests pass one they advance). */
  clock?: () => number;
}

/** Build the gateway without listening (index.ts listens; tests listen on port 0). */
export async function createGateway(config: GatewayConfig, log: Logger, deps: GatewayDependencies = {}): Promise<Gateway> {
  const development = config.NODE_ENV !== 'production';
  const subgraphs = new Map<string, string>();
  const signingKey = deps.signingKey ?? loadSigningKey(config);
  const signer = createIdentitySigner(signingKey);
  const ownAudit =
    deps.audit || !config.AUDIT_WRITER_DATABASE_URL
      ? null
      : createAuditWriter({
          pool: config.AUDIT_WRITER_DATABASE_URL,
          algorithm: config.AUDIT_HASH,
          flushIntervalMs: config.AUDIT_FLUSH_MS,
          source: 'gateway',
          log,
        });
  const audit: AuditSink = deps.audit ?? ownAudit ?? logAudit(log);
  const allowList = loadAllowList(config.PERSISTED_OPERATIONS_PATH);
  if (config.AUTH_MODE === 'off') log.warn('AUTH_MODE=off: every caller is anonymous (development and conformance suites only)');
  const http = createSubgraphFetcher({
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    connections: config.SUBGRAPH_CONNECTIONS,
    dedup: config.SUBGRAPH_DEDUP === 'on',
  });
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`No URL for subgraph ${name}: set SUBGRAPH_URL_${name.toUpperCase()}`);
      subgraphs.set(name, target);
      return new HubDataSource(name, target, http.withTimeout(config.subgraphTimeouts[name] ?? config.SUBGRAPH_TIMEOUT_MS), signer, {
        development,
        peers: () => subgraphs.keys(),
      });
    },
    logger: {
      debug: () => undefined,
      info: (m) => log.info(String(m)),
      warn: (m) => log.warn(String(m)),
      error: (m) => log.error(String(m)),
    },
  });
  const formatError = createFormatError({ development, log });
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
    // Hashes are resolved by admission.ts against the reviewed allow-list; Apollo's APQ cache would
    // let anyone register documents (and grow memory) by sending hash + query.
    persistedQueries: false,
    parseOptions: { maxTokens: config.MAX_TOKENS },
    validationRules: [
      operationLimitsRule({
        maxDepth: config.MAX_DEPTH,
        maxAliases: config.MAX_ALIASES,
        maxDirectives: config.MAX_DIRECTIVES,
        maxCost: config.MAX_COST,
      }),
    ],
    maxRecursiveSelections: true,
    validationOptions: { maxErrors: 5 },
    // Outside development no error names a subgraph (internal topology; the log does).
    formatError: development ? formatError : withoutServiceName(formatError),
    // No per-field cache hints: they cost on every field of every (merged) response.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      operationResolutionPlugin<GatewayContext>(),
      requestLoggingPlugin<GatewayContext>('info'),
      auditPlugin(audit),
      ...(development ? [] : [schemaPrivacyPlugin()]),
    ],
  });
  await apollo.start();

  const ide = development ? ideRoutes('/graphql', SAMPLE_QUERY) : null;
  const verifier =
    config.AUTH_MODE === 'off'
      ? null
      : createTokenVerifier({
          serverUrl: config.KEYCLOAK_URL,
          realm: config.KEYCLOAK_REALM,
          audience: config.KEYCLOAK_AUDIENCE,
          minJwksIntervalSeconds: config.KEYCLOAK_JWKS_MIN_INTERVAL_S,
        });
  const admission = createAdmission({
    verifier,
    allowList,
    rateLimit: { perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST },
    now: deps.clock,
    realm: config.KEYCLOAK_REALM,
    log,
    onRefused: (req, refusal, partial, requestId) => audit.append(refusedEntry(req, refusal, partial, requestId)),
  });
  const collapse =
    config.COLLAPSE_OPERATIONS === 'on'
      ? operationCollapsing({ admitted: admission.admitted, audit, peers: clusterCollapsePeers({ waitMs: COLLAPSE_PEER_WAIT_MS }), log })
      : undefined;
  const sharedAnswers = collapse ? answerSharing(collapse) : undefined;
  const server = createGraphQLHttpServer<GatewayContext>({
    apollo,
    log,
    maxBodyBytes: config.MAX_BODY_BYTES,
    maxJsonDepth: config.MAX_JSON_DEPTH,
    admit: admission.admit,
    respond: sharedAnswers,
    context: createGatewayContext(log, admission.admitted),
    page: ide ? (req) => (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') ? ide.page : undefined) : undefined,
    routes: {
      '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
      '/readyz': readinessRoute(() => [...subgraphs].map(([name, url]) => ({ name, url })), Math.min(config.SUBGRAPH_TIMEOUT_MS, 2_000)),
      ...(ide?.assets ?? {}),
    },
    // Streamed bodies with their own limit (FEED_MAX_BYTES), not MAX_BODY_BYTES.
    prefixRoutes: {
      [FEEDS_PREFIX]: feedRoute({
        verifier,
        allowList,
        subgraphs: () => subgraphs,
        signer,
        peerSigner: createIdentitySigner(signingKey, PEER_IDENTITY_TTL_SECONDS),
        audit,
        defaults: { maxBytes: config.FEED_MAX_BYTES, perMinute: config.FEED_RATE_PER_MINUTE },
        realm: config.KEYCLOAK_REALM,
        log,
        now: deps.clock,
      }),
    },
  });
  return {
    apollo,
    server,
    subgraphs,
    allowList,
    audit,
    sharing: () => ({ operations: collapse?.followers() ?? 0, fetches: http.inflight.shared, joined: sharedAnswers?.inflight.shared ?? 0 }),
    stop: async () => {
      await apollo.stop();
      await http.close();
      await ownAudit?.close();
    },
  };
}

/** Outside production without AUDIT_WRITER_DATABASE_URL: entries go to the log (a warning says so once). */
function logAudit(log: Logger): AuditSink {
  log.warn('AUDIT_WRITER_DATABASE_URL is not set: audit entries go to the log only, unchained');
  return { append: (entry) => log.info('audit', { ...entry }), flush: async () => undefined };
}
