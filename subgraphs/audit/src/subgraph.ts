import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphDefinition } from '#platform/subgraph.js';
import { loadSubgraphTypeDefs } from '#platform/access/sdl.js';
import { defaultPorts } from '../../names.js';
import { createContext, type Context } from './context.js';
import { createAuditClient, type AuditClient } from './db.js';
import { resolvers } from './resolvers/index.js';

/**
 * The audit subgraph: reads of the audit log and its chain status, for audit administrators
 * (等保 three-role separation). No mutations: entries are written through
 * subgraphs/shared/common/audit/writer.ts, purged by `npm run audit:purge`. No seed.
 */
export const audit: SubgraphDefinition<AuditClient, Context> = {
  name: 'audit',
  defaultPort: defaultPorts.audit,
  typeDefs: loadSubgraphTypeDefs(new URL('../audit.graphql', import.meta.url)),
  resolvers: resolvers as GraphQLResolverMap<Context>,
  access: { defaultRoles: ['audit-admin'] },
  createClient: createAuditClient,
  createContext,
};
