import { readFileSync } from 'node:fs';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';
import { suitePaths } from '../suite.js';

/**
 * The suite's `inventory` reference subgraph (packages/subgraphs/inventory/index.js, shipped bundled
 * in @apollo/federation-subgraph-compatibility-tests/dist/subgraphs/inventory), ported onto the
 * hub's platform so it runs in-process on port 0. Its SDL is read from the suite package as is.
 */
const deliveryEstimate = { estimatedDelivery: '5/1/2019', fastestDelivery: '5/1/2019' };

const inventory = [{ id: 'apollo-oss', products: [{ id: 'apollo-federation' }] }];

interface ProductWithDimensions {
  id: string;
  dimensions?: { size?: string; weight?: number } | null;
}

const resolvers: GraphQLResolverMap<RequestContext> = {
  Query: {
    inventory: (_: unknown, args: { id: string }) => inventory.find((i) => i.id === args.id) ?? null,
  },
  Product: {
    /** @requires(fields: "dimensions { size weight }"): checks the router sent what products owns. */
    delivery: (product: ProductWithDimensions, args: { zip?: string | null }) => {
      if (product.id !== 'apollo-federation') throw new GraphQLError("product.id was not 'apollo-federation'");
      if (product.dimensions?.size !== 'small') throw new GraphQLError("product.dimensions.size was not 'small'");
      if (product.dimensions?.weight !== 1) throw new GraphQLError("product.dimensions.weight was not '1'");
      if (args.zip !== '94111') throw new GraphQLError("product.delivery input zip was not '94111'");
      return deliveryEstimate;
    },
  },
  Inventory: {
    __resolveType: (inv: { id: string }) => (inv.id === 'apollo-oss' ? 'OpenSourceInventory' : null),
  },
};

export const inventoryReference: SubgraphDefinition<unknown, RequestContext> = {
  name: 'inventory',
  port: 4003,
  access: 'open',
  typeDefs: parse(readFileSync(suitePaths.inventorySdl, 'utf8')),
  resolvers,
  createContext: (base) => base,
};
