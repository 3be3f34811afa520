import { businessRoles } from '#common/identity.js';
import { defineSubgraph } from '#platform/define.js';
import { createContext } from './context.js';
import { resolvers } from './resolvers/index.js';
import { procurementRecordSeed } from './seed/index.js';

/** The procurement subgraph, declared for the platform (its port is its own: no other subgraph uses it). */
export const procurement = defineSubgraph({
  name: 'procurement',
  port: 4002,
  access: { defaultRoles: businessRoles },
  resolvers,
  createContext,
  seed: procurementRecordSeed,
});
