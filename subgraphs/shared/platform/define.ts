import { pathToFileURL } from 'node:url';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { AccessPolicy } from './access/rules.js';
import { loadSubgraphTypeDefs } from './access/sdl.js';
import type { Db } from './db/client.js';
import type { FeedKind } from './feed/types.js';
import type { PlatformFeatures } from './db/platform-tables.js';
import { subgraphPaths, type SubgraphPaths } from './paths.js';
import type { SubgraphSeed } from './seed/types.js';
import type { RequestContext, SubgraphDefinition } from './subgraph.js';

type PrismaLike = { $disconnect(): Promise<void> };

/** What a hub subgraph declares; everything else about it follows from its name (paths.ts). */
export interface HubSubgraphDeclaration<TClient extends PrismaLike, TContext extends RequestContext, N extends string> {
  name: N;
  /** Its port: the supergraph's routing URL, `npm start`, the compose file (`<NAME>_PORT` overrides it). */
  port: number;
  /** Who may read types without an @access of their own. */
  access: AccessPolicy;
  /** The resolver map, typed by its generated `Resolvers` (codegen). */
  resolvers: object;
  /** Per request: loaders and data access bound to the caller's row scope. */
  createContext: (base: RequestContext, db: Db<TClient>) => TContext;
  /** false for a subgraph without tables; otherwise subgraphs/<name>/prisma/schema.prisma is its database. */
  database?: boolean;
  /** Synthetic data for `npm run seed` and the embedded demo. */
  seed?: SubgraphSeed;
  /**
   * GraphQL object type → Prisma model, where the names differ (the resolver types' mappers). A type
   * named like a model maps to it without saying so, and `<T>Connection` to a connection of T's model.
   * A value with `#` is a TypeScript type by `path#Type`, relative to src/__generated__ (e.g. a platform record type).
   */
  models?: Record<string, string>;
  /** Its feeds (`npm run feed`, `POST /feeds/<subgraph>/<kind>`); the platform creates feed_run and feed_reject for them. */
  feeds?: FeedKind[];
  /**
   * It stores findings (docs/architecture.md, "The domain contract" — Findings as records): the platform
   * creates its `finding` and `rule_threshold_override` tables (#platform/findings).
   */
  findings?: boolean;
}

/** A hub subgraph as the registry, the tooling and the platform see it. */
export interface HubSubgraph<
  TClient extends PrismaLike = PrismaLike,
  TContext extends RequestContext = RequestContext,
  N extends string = string,
> extends SubgraphDefinition<TClient, TContext> {
  name: N;
  database: boolean;
  models: Record<string, string>;
  feeds: FeedKind[];
  findings: boolean;
  paths: SubgraphPaths;
}

/** A hub subgraph of any client and context (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own client and context types; the registry holds them all
export type AnyHubSubgraph = HubSubgraph<any, any, string>;

/**
 * Declare a hub subgraph (subgraphs/<name>/src/subgraph.ts). The SDL is read from
 * subgraphs/<name>/<name>.graphql with the access directives, and the Prisma client is the one
 * generated from subgraphs/<name>/prisma/schema.prisma, loaded when the subgraph starts — so a
 * declaration can be imported (by the registry, by `npm run generate`) before anything is generated.
 */
export function defineSubgraph<TClient extends PrismaLike, TContext extends RequestContext, const N extends string>(
  decl: HubSubgraphDeclaration<TClient, TContext, N>,
): HubSubgraph<TClient, TContext, N> {
  const paths = subgraphPaths(decl.name);
  const database = decl.database ?? true;
  return {
    ...decl,
    resolvers: decl.resolvers as GraphQLResolverMap<TContext>,
    typeDefs: loadSubgraphTypeDefs(pathToFileURL(paths.sdl)),
    database,
    models: decl.models ?? {},
    feeds: decl.feeds ?? [],
    findings: decl.findings ?? false,
    paths,
    createClient: database ? generatedClient<TClient>(decl.name, paths) : undefined,
  };
}

/** The generated client's constructor over our adapter, imported on first use. */
function generatedClient<TClient>(name: string, paths: SubgraphPaths): (adapter: PrismaPg) => Promise<TClient> {
  return async (adapter) => {
    let module: { PrismaClient: new (options: { adapter: PrismaPg }) => TClient };
    try {
      module = (await import(pathToFileURL(paths.prismaClient).href)) as typeof module;
    } catch (err) {
      throw new Error(`subgraph ${name}: its Prisma client is not generated (${paths.prismaClient}); run \`npm run generate\``, {
        cause: err,
      });
    }
    return new module.PrismaClient({ adapter });
  };
}

/** The platform tables a subgraph's declaration asks for (db/platform-tables.ts). */
export const platformFeaturesOf = (s: Pick<HubSubgraph, 'feeds' | 'findings'>): PlatformFeatures => ({
  feeds: s.feeds.length > 0,
  findings: s.findings,
});
