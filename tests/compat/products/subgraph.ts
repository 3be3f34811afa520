import { readFileSync } from 'node:fs';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';

/**
 * The `products` subgraph of the Apollo Federation subgraph compatibility suite, declared for the
 * hub's subgraph platform. Its SDL (products.graphql, next to this file) is the suite's reference
 * schema verbatim; the data and resolvers follow the suite's reference implementation
 * (implementations/apollo-server in apollographql/apollo-federation-subgraph-compatibility).
 * In memory, no database.
 */

interface ProductRecord {
  id: string;
  sku: string;
  package: string;
  /** Id of the product's variation. */
  variation: string;
}

interface DeprecatedProductRecord {
  sku: string;
  package: string;
  reason: string;
}

interface ProductResearchRecord {
  study: { caseNumber: string; description: string };
}

interface UserRecord {
  email: string;
  name: string;
  totalProductsCreated: number;
  yearsOfEmployment?: number;
}

/** What the router sends for a User: its key plus, for @requires, the external fields. */
interface UserReference {
  email?: string;
  totalProductsCreated?: number;
  yearsOfEmployment?: number;
}

type ProductReference = { id: string } | { sku: string; package: string } | { sku: string; variation: { id: string } };

const deprecatedProduct: DeprecatedProductRecord = {
  sku: 'apollo-federation-v1',
  package: '@apollo/federation-v1',
  reason: 'Migrate to Federation V2',
};

const productRecords: ProductRecord[] = [
  { id: 'apollo-federation', sku: 'federation', package: '@apollo/federation', variation: 'OSS' },
  { id: 'apollo-studio', sku: 'studio', package: '', variation: 'platform' },
];

const productResearch: ProductResearchRecord[] = [
  { study: { caseNumber: '1234', description: 'Federation Study' } },
  { study: { caseNumber: '1235', description: 'Studio Study' } },
];

const researchByProduct: Record<string, ProductResearchRecord[]> = {
  'apollo-federation': [productResearch[0]!],
  'apollo-studio': [productResearch[1]!],
};

/** The product's creator as this subgraph knows it (name is @override-n from users). */
const user: UserRecord = { email: 'support@apollographql.com', name: 'Jane Smith', totalProductsCreated: 1337 };

const inventory = { id: 'apollo-oss', deprecatedProducts: [deprecatedProduct] };

const isDeprecatedProduct = (sku: unknown, pkg: unknown) => sku === deprecatedProduct.sku && pkg === deprecatedProduct.package;

function findProduct(ref: ProductReference): ProductRecord | null {
  if ('id' in ref) return productRecords.find((p) => p.id === ref.id) ?? null;
  if ('package' in ref) return productRecords.find((p) => p.sku === ref.sku && p.package === ref.package) ?? null;
  return productRecords.find((p) => p.sku === ref.sku && p.variation === ref.variation?.id) ?? null;
}

const resolvers: GraphQLResolverMap<RequestContext> = {
  Query: {
    product: (_: unknown, args: { id: string }) => productRecords.find((p) => p.id === args.id) ?? null,
    deprecatedProduct: (_: unknown, args: { sku: string; package: string }) =>
      isDeprecatedProduct(args.sku, args.package) ? deprecatedProduct : null,
  },
  Product: {
    __resolveReference: (ref: ProductReference) => findProduct(ref),
    variation: (product: ProductRecord) => ({ id: product.variation }),
    dimensions: () => ({ size: 'small', weight: 1, unit: 'kg' }),
    research: (product: { id: string }) => researchByProduct[product.id] ?? [],
    createdBy: () => user,
  },
  DeprecatedProduct: {
    __resolveReference: (ref: { sku: string; package: string }) => (isDeprecatedProduct(ref.sku, ref.package) ? deprecatedProduct : null),
    createdBy: () => user,
  },
  ProductResearch: {
    __resolveReference: (ref: { study: { caseNumber: string } }) =>
      productResearch.find((r) => r.study.caseNumber === ref.study?.caseNumber) ?? null,
  },
  User: {
    __resolveReference: (ref: UserReference): UserRecord | null => {
      if (!ref.email) return null;
      return {
        email: ref.email,
        name: 'Jane Smith',
        totalProductsCreated: ref.totalProductsCreated ?? 1337,
        ...(ref.yearsOfEmployment !== undefined ? { yearsOfEmployment: ref.yearsOfEmployment } : {}),
      };
    },
    /** @requires(fields: "totalProductsCreated yearsOfEmployment"): both come from the users subgraph. */
    averageProductsCreatedPerYear: (ref: UserRecord) => {
      if (ref.email !== 'support@apollographql.com') throw new GraphQLError("user.email was not 'support@apollographql.com'");
      if (!ref.yearsOfEmployment) throw new GraphQLError('yearsOfEmployment was not provided (@requires)');
      return Math.round(ref.totalProductsCreated / ref.yearsOfEmployment);
    },
  },
  Inventory: {
    /** An @interfaceObject: the router only knows it as `Inventory` with an id. */
    __resolveReference: (ref: { id: string }) => (ref.id === inventory.id ? inventory : null),
  },
};

export const products: SubgraphDefinition<unknown, RequestContext> = {
  name: 'products',
  port: 4001,
  access: 'open',
  typeDefs: parse(readFileSync(new URL('./products.graphql', import.meta.url), 'utf8')),
  resolvers,
  createContext: (base) => base,
};
