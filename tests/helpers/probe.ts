import { parse } from 'graphql';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';

/**
 * A test-only subgraph that refers to directory entities by key, the way every later domain
 * subgraph will: querying through it makes the gateway resolve `Hospital` via `_entities`.
 * It also reports what it received (request id, identity) and can be slow or fail on demand.
 */
export const probeSdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query {
  watchlist(codes: [ID!]!): [Hospital]!
  echo: Echo!
  slow(ms: Int!): String
  boom: String
}
type Echo { requestId: String! subject: String }
type Hospital @key(fields: "code", resolvable: false) { code: ID! }
`;

export const probe: SubgraphDefinition<unknown, RequestContext> = {
  name: 'probe',
  port: 0,
  access: 'open',
  typeDefs: parse(probeSdl),
  resolvers: {
    Query: {
      watchlist: (_: unknown, { codes }: { codes: string[] }) => codes.map((code) => ({ __typename: 'Hospital', code })),
      echo: (_: unknown, __: unknown, ctx: RequestContext) => ({ requestId: ctx.requestId, subject: ctx.identity.subject }),
      slow: async (_: unknown, { ms }: { ms: number }) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return 'done';
      },
      boom: () => {
        throw new Error('secret detail: connection to 10.1.2.3 refused');
      },
    },
  } as never,
  createContext: (base) => base,
};
