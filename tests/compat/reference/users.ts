import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';
import { suitePaths } from '../suite.js';

/**
 * The suite's `users` reference subgraph (packages/subgraphs/users/index.js, shipped bundled in
 * @apollo/federation-subgraph-compatibility-tests/dist/subgraphs/users), ported onto the hub's
 * platform so it runs in-process on port 0. Its SDL is read from the suite package as is.
 */
const users = [{ email: 'support@apollographql.com', name: 'Apollo Studio Support', totalProductsCreated: 10, yearsOfEmployment: 10 }];

const resolvers: GraphQLResolverMap<RequestContext> = {
  User: {
    __resolveReference: (ref: { email: string }) => users.find((u) => u.email === ref.email) ?? null,
  },
};

export const usersReference: SubgraphDefinition<unknown, RequestContext> = {
  name: 'users',
  port: 4002,
  access: 'open',
  typeDefs: parse(readFileSync(suitePaths.usersSdl, 'utf8')),
  resolvers,
  createContext: (base) => base,
};
