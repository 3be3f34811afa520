import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphDefinition } from '../../shared/src/subgraph.js';
import { defaultPorts } from '../../names.js';
import { createContext, type Context } from './context.js';
import { createDirectoryClient, type DirectoryClient } from './db.js';
import { resolvers } from './resolvers/index.js';
import { directorySeed } from './seed/index.js';

/** The directory subgraph, declared for the shared platform (see subgraphs/shared/src/subgraph.ts). */
export const directory: SubgraphDefinition<DirectoryClient, Context> = {
  name: 'directory',
  defaultPort: defaultPorts.directory,
  typeDefs: parse(readFileSync(new URL('../directory.graphql', import.meta.url), 'utf8')),
  resolvers: resolvers as GraphQLResolverMap<Context>,
  createClient: createDirectoryClient,
  createContext,
  seed: directorySeed,
};
