import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { loadSubgraphTypeDefs, withAccessDirectives } from '#platform/access/sdl.js';
import type { Logger } from '#common/logger.js';
import { startSubgraph, type RequestContext, type RunningSubgraph, type SubgraphDefinition } from '#platform/subgraph.js';
import { compose } from '../../scripts/lib/supergraph.js';
import * as data from './data.js';

/**
 * The four subgraphs of the public gateway benchmark (graphql-hive/graphql-gateways-benchmark),
 * ported from Rust to this project's subgraph platform: same schemas, same data, same answers,
 * inline tracing off (the platform's default). They hold no personal data: access is 'open'.
 */
export const benchSubgraphNames = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type BenchSubgraphName = (typeof benchSubgraphNames)[number];

/** The benchmark's query (graphql-hive/graphql-gateways-benchmark, copied in query.graphql), operation `TestQuery`. */
export const BENCH_QUERY = readFileSync(new URL('./query.graphql', import.meta.url), 'utf8');

const sdlFile = (name: BenchSubgraphName) => new URL(`./${name}.graphql`, import.meta.url);
const userById = new Map(data.users.map((u) => [u.id, u]));
const productByUpc = new Map(data.products.map((p) => [p.upc, p]));
const reviewById = new Map(data.reviews.map((r) => [r.id, r]));

type Resolvers = GraphQLResolverMap<RequestContext>;
const reviewProduct = (review: data.Review) => ({ upc: review.upc });

const resolvers: Record<BenchSubgraphName, Resolvers> = {
  accounts: {
    Query: {
      me: () => data.users[0],
      user: (_: unknown, { id }: { id: string }) => userById.get(id) ?? null,
      users: () => data.users,
    },
    User: { __resolveReference: ({ id }: { id: string }) => userById.get(id) ?? null },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: { upc: string; price?: number | null; weight?: number | null }) => ({
        ...ref,
        inStock: data.inStock[ref.upc] ?? null,
      }),
      shippingEstimate: (p: { price?: number | null; weight?: number | null }) => data.shippingEstimate(p.price, p.weight),
    },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first?: number | null }) => data.products.slice(0, first ?? 5) },
    Product: { __resolveReference: ({ upc }: { upc: string }) => productByUpc.get(upc) ?? null },
  },
  reviews: {
    Review: {
      __resolveReference: ({ id }: { id: string }) => reviewById.get(id) ?? null,
      product: reviewProduct,
      author: () => ({ id: data.REVIEW_AUTHOR_ID, username: data.REVIEW_AUTHOR_USERNAME }),
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user' }),
      reviews: () => data.authoredReviews(),
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
      reviews: ({ upc }: { upc: string }) => data.reviews.filter((r) => r.upc === upc),
    },
  },
};

export const benchSubgraphs: SubgraphDefinition<never, RequestContext>[] = benchSubgraphNames.map((name, i) => ({
  name,
  port: 4200 + i,
  typeDefs: loadSubgraphTypeDefs(sdlFile(name)),
  resolvers: resolvers[name],
  access: 'open',
  createContext: (base) => base,
}));

export interface RunningBenchSubgraphs {
  urls: Record<BenchSubgraphName, string>;
  close(): Promise<void>;
}

/**
 * Start the four in this process, each on a free port. They accept the hub gateway's signed
 * identity and, for the other gateways of the race, unsigned requests (development mode).
 */
export async function startBenchSubgraphs(opts: { log: Logger; identityKey: KeyObject; host?: string }): Promise<RunningBenchSubgraphs> {
  const running: RunningSubgraph<never>[] = [];
  try {
    for (const def of benchSubgraphs) {
      running.push(
        await startSubgraph(def, {
          port: 0,
          host: opts.host,
          log: opts.log,
          development: true,
          acceptUnsigned: true,
          identityKey: opts.identityKey,
        }),
      );
    }
  } catch (err) {
    await Promise.all(running.map((s) => s.close()));
    throw err;
  }
  return {
    urls: Object.fromEntries(running.map((s) => [s.name, s.url])) as Record<BenchSubgraphName, string>,
    close: async () => void (await Promise.all(running.map((s) => s.close()))),
  };
}

/** The supergraph of the four at the given URLs, composed by the hub's own composition step. */
export function benchSupergraph(urls: Record<BenchSubgraphName, string>): string {
  const result = compose(
    benchSubgraphNames.map((name) => ({ name, url: urls[name], sdl: withAccessDirectives(readFileSync(sdlFile(name), 'utf8')) })),
  );
  if (!result.ok) throw new Error(`bench supergraph does not compose:\n${result.errors.join('\n')}`);
  return result.supergraphSdl;
}
