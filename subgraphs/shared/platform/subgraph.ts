import type { IncomingMessage } from 'node:http';
import type { DocumentNode } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { PrismaPg } from '@prisma/adapter-pg';
import { createDb, type Db, type DbOptions } from './db/client.js';
import { createFormatError } from '#common/format-error.js';
import { compactJson, createGraphQLHttpServer, listen, sendJson, type RunningHttpServer } from '#common/http.js';
import type { KeyObject } from 'node:crypto';
import { anonymousIdentity, IDENTITY_HEADER, type Identity } from '#common/identity.js';
import { createIdentityVerifier, type VouchedRequest } from '#common/identity-signature.js';
import { applyAccessRules, type AccessPolicy } from './access/rules.js';
import { RequestAccess } from './access/request-access.js';
import { AUDIT_EXTENSION } from '#common/audit/report.js';
import type { Logger } from '#common/logger.js';
import type { SubgraphSeed } from './seed/types.js';
import { requestLoggingPlugin } from '#common/request-logging.js';
import type { FeedKind, PeerLookup } from './feed/types.js';
import { feedRoute, peerIdentitiesOf, type FeedRunner } from './feed/http.js';
import { noPeers, requestPeers } from './request-peers.js';
import { platformFeedRunner } from './feed/runner.js';

/** A subgraph's Prisma client: whatever it generated, plus what the platform calls on shutdown. */
type Client<T> = T & { $disconnect(): Promise<void> };

/** What every subgraph's context starts from. */
export interface RequestContext {
  requestId: string;
  log: Logger;
  identity: Identity;
  /** Row scope, unmask reason and what the response touched (for the audit log). */
  access: RequestAccess;
  /** Other subgraphs' entities by key under the caller's identity: in mutations (request-peers.ts). */
  peers: PeerLookup;
}

/**
 * A subgraph, declared: its SDL, resolvers, data access and context. The platform supplies
 * everything else (HTTP, health, request ids, logging, error masking, DB pool) the same way for
 * every subgraph, so a new domain adopts it by writing one of these.
 */
export interface SubgraphDefinition<TClient, TContext extends RequestContext> {
  name: string;
  /** Its port (the supergraph's routing URL and `npm start` use it; `<NAME>_PORT` overrides it). */
  port: number;
  /** The SDL with the access directives (load it with access/sdl.ts `loadSubgraphTypeDefs`). */
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Who may read types without an @access of their own; every subgraph states it. */
  access: AccessPolicy;
  /**
   * The subgraph's Prisma client over the shared pool (a hub subgraph's is its generated client,
   * loaded when it starts: define.ts); omitted by a subgraph without a database.
   */
  createClient?: (adapter: PrismaPg) => Client<TClient> | Promise<Client<TClient>>;
  createContext: (base: RequestContext, db: Db<Client<TClient>>) => TContext;
  /** Synthetic data for `npm run seed` and the embedded demo (the volumes of docs/architecture.md, "Scale"). */
  seed?: SubgraphSeed;
  /** Its feeds (feed/types.ts), served at `POST /feeds/<kind>` when the runtime has a feed runner. */
  feeds?: FeedKind[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any subgraph, whatever its client and context types (test and benchmark subgraphs too)
export type AnySubgraph = SubgraphDefinition<any, any>;

export interface SubgraphRuntimeOptions {
  /** Required when the subgraph has a database (createClient). */
  databaseUrl?: string;
  log: Logger;
  development: boolean;
  poolSize?: number;
  db?: Partial<DbOptions>;
  /** Answer the gateway's ftv1 trace requests (off by default). */
  inlineTrace?: boolean;
  /** The gateway's identity key (public half): HUB_IDENTITY_PUBLIC_KEY, loaded by the process's config module (main.ts, the hub). */
  identityKey: KeyObject;
  /**
   * Let requests without an identity header in, as anonymous (a signed header is still verified).
   * Only for third-party conformance suites that call a subgraph directly; refused outside development.
   */
  acceptUnsigned?: boolean;
  /** Runs the definition's feeds posted through the gateway (feed/http.ts); without it (or feedPeers) `/feeds/…` is 404. */
  feedRunner?: FeedRunner;
  /**
   * The other subgraphs' URLs: with them a subgraph that declares feeds serves them with the platform's
   * runner (feed/runner.ts) on its own pool — COPY on PostgreSQL, multi-row inserts on the embedded default.
   */
  feedPeers?: { urls: () => ReadonlyMap<string, string>; embedded: boolean; settings?: Record<string, unknown> };
}

export function createSubgraphApollo<TClient, TContext extends RequestContext>(
  def: SubgraphDefinition<TClient, TContext>,
  opts: { log: Logger; development: boolean; inlineTrace?: boolean; plugins?: ApolloServerPlugin<TContext>[] },
): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema: applyAccessRules(
      buildSubgraphSchema({ typeDefs: def.typeDefs, resolvers: def.resolvers as GraphQLResolverMap<unknown> }),
      def.access,
    ),
    introspection: opts.development,
    stopOnTerminationSignals: false, // the process owner stops us, in order
    stringifyResult: compactJson,
    includeStacktraceInErrorResponses: opts.development,
    hideSchemaDetailsFromClientErrors: !opts.development,
    formatError: createFormatError({ development: opts.development, log: opts.log }),
    plugins: [
      // Traces (ftv1) only when asked: our gateway reports no usage, so they would be pure overhead.
      opts.inlineTrace ? ApolloServerPluginInlineTrace() : ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of GraphQL responses here: the per-field cache hints would cost on every field.
      ApolloServerPluginCacheControlDisabled(),
      requestLoggingPlugin<TContext>(),
      auditReportPlugin<TContext>(),
      ...(opts.plugins ?? []),
    ],
  });
}

export interface RunningSubgraph<TClient> {
  name: string;
  url: string;
  port: number;
  db: Db<Client<TClient>>;
  close(): Promise<void>;
}

/** Start one subgraph on its own port (port 0 = any free port, for tests). */
export async function startSubgraph<TClient, TContext extends RequestContext>(
  def: SubgraphDefinition<TClient, TContext>,
  opts: SubgraphRuntimeOptions & { port: number; host?: string },
): Promise<RunningSubgraph<TClient>> {
  const log = opts.log.child({ service: def.name });
  const db = await openSubgraphDb(def, opts);
  const apollo = createSubgraphApollo(def, { log, development: opts.development, inlineTrace: opts.inlineTrace });
  await apollo.start();
  // Only the gateway's signed identity gets in (docs/identity.md, "How a request is checked"): a direct call gets 401 and nothing else.
  if (opts.acceptUnsigned && !opts.development) throw new Error(`subgraph ${def.name}: acceptUnsigned is refused outside development`);
  const verifyIdentity = createIdentityVerifier(opts.identityKey, def.name);
  const vouched = new WeakMap<IncomingMessage, VouchedRequest>();
  const peers = opts.feedPeers;
  const feedRunner =
    opts.feedRunner ??
    (peers && db.pool
      ? platformFeedRunner({
          pool: db.pool,
          schema: db.schema,
          method: peers.embedded ? 'insert' : 'copy',
          peerUrls: peers.urls,
          settings: peers.settings,
        })
      : undefined);
  const server = createGraphQLHttpServer<TContext>({
    apollo,
    log,
    admit: async (req, _body, requestId) => {
      const header = req.headers[IDENTITY_HEADER];
      const result =
        !header && opts.acceptUnsigned ? ({ ok: true, identity: anonymousIdentity, reason: null } as const) : await verifyIdentity(header);
      if (result.ok) {
        vouched.set(req, result);
        return undefined;
      }
      log.warn('request without a valid gateway identity refused', { requestId, reason: result.reason, ip: req.socket.remoteAddress });
      return { refuse: { status: 401, message: 'Requests must come through the gateway', code: 'UNAUTHENTICATED' } };
    },
    context: async (req: IncomingMessage, requestId: string) => {
      const { identity, reason } = vouched.get(req)!;
      const base: RequestContext = {
        requestId,
        log: log.child({ requestId }),
        identity,
        access: new RequestAccess(identity, reason),
        peers: peers ? requestPeers(peerIdentitiesOf(req), peers.urls) : noPeers,
      };
      return def.createContext(base, db);
    },
    routes: {
      '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok', service: def.name }),
      '/readyz': async (_req, res) => {
        const ok = db.pool
          ? await db.pool.query('SELECT 1').then(
              () => true,
              () => false,
            )
          : true;
        sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'database unavailable', service: def.name });
      },
    },
    prefixRoutes:
      feedRunner && def.feeds?.length
        ? { '/feeds/': feedRoute({ subgraph: def.name, feeds: def.feeds, runner: feedRunner, verifyIdentity, log }) }
        : undefined,
  });
  let running: RunningHttpServer;
  try {
    running = await listen(server, opts.port, opts.host);
  } catch (err) {
    await apollo.stop();
    await db.close();
    throw err;
  }
  log.info('subgraph listening', { url: running.url });
  return {
    name: def.name,
    url: running.url,
    port: running.port,
    db,
    close: async () => {
      await running.close();
      await apollo.stop();
      await db.close();
    },
  };
}

/**
 * A subgraph's pool and client on its own schema, or an inert stand-in for a subgraph that has no
 * database. Unit tests open one on their test database (`openSubgraphDb(directory, { databaseUrl })`).
 */
export async function openSubgraphDb<TClient, TContext extends RequestContext>(
  def: SubgraphDefinition<TClient, TContext>,
  opts: Pick<SubgraphRuntimeOptions, 'databaseUrl' | 'poolSize' | 'db'>,
): Promise<Db<Client<TClient>>> {
  if (!def.createClient) {
    return {
      client: undefined as unknown as Client<TClient>,
      schema: def.name,
      pool: undefined as unknown as Db<TClient>['pool'],
      stats: { statements: 0 },
      close: async () => undefined,
    };
  }
  if (!opts.databaseUrl) throw new Error(`subgraph ${def.name} needs a database URL`);
  return createDb(def.createClient, { url: opts.databaseUrl, schema: def.name, poolSize: opts.poolSize, ...opts.db });
}

/** Tell the gateway what the response touched (hospitals, records, unmasked fields): its audit entry needs it. */
function auditReportPlugin<TContext extends RequestContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const report = contextValue.access?.report();
          if (!report || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [AUDIT_EXTENSION]: report };
        },
      };
    },
  };
}
