import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphDefinition } from '#platform/subgraph.js';
import { loadSubgraphTypeDefs } from '#platform/access/sdl.js';
import { businessRoles } from '#common/identity.js';
import { defaultPorts } from '../../names.js';
import { createContext, type Context } from './context.js';
import { createDirectoryClient, type DirectoryClient } from './db.js';
import { resolvers } from './resolvers/index.js';
import { directorySeed } from './seed/index.js';

/** The directory subgraph, declared for the shared platform (see subgraphs/shared/platform/subgraph.ts). */
export const directory: SubgraphDefinition<DirectoryClient, Context> = {
  name: 'directory',
  defaultPort: defaultPorts.directory,
  typeDefs: loadSubgraphTypeDefs(new URL('../directory.graphql', import.meta.url)),
  resolvers: resolvers as GraphQLResolverMap<Context>,
  // Business readers only; the administrator roles (三员) read nothing here. Staff narrows it in the SDL.
  access: { defaultRoles: businessRoles },
  createClient: createDirectoryClient,
  createContext,
  seed: directorySeed,
};
