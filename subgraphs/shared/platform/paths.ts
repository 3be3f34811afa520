// Where a hub subgraph's files are, by convention: everything of subgraph <name> is in
// subgraphs/<name>/ (docs/architecture.md, "Adding a subgraph"). Free of imports beyond Node's, so the Prisma
// CLI's config loader (prisma/prisma.config.ts) can use it too.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is subgraphs/shared/platform/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Subgraph names become folder names, PostgreSQL schemas and role names: keep them plain. */
export const SUBGRAPH_NAME = /^[a-z][a-z0-9_]{0,40}$/;

export interface SubgraphPaths {
  /** subgraphs/<name>/ */
  folder: string;
  /** subgraphs/<name>/<name>.graphql — the SDL, source of truth of the API. */
  sdl: string;
  /** subgraphs/<name>/prisma/schema.prisma — the source of truth of the tables. */
  prismaSchema: string;
  /** subgraphs/<name>/prisma/migrations/ */
  migrations: string;
  /** subgraphs/<name>/src/__generated__/ — generated code (resolver types committed, Prisma client not). */
  generated: string;
  /** The generated Prisma client module (`prisma-client` generator, output ../src/__generated__/prisma). */
  prismaClient: string;
  /** The generated resolver types (graphql-codegen, committed and checked). */
  resolverTypes: string;
}

export function subgraphPaths(name: string, root = repoRoot): SubgraphPaths {
  if (!SUBGRAPH_NAME.test(name)) throw new Error(`Invalid subgraph name ${JSON.stringify(name)} (expected ${SUBGRAPH_NAME})`);
  const folder = path.join(root, 'subgraphs', name);
  const generated = path.join(folder, 'src', '__generated__');
  return {
    folder,
    sdl: path.join(folder, `${name}.graphql`),
    prismaSchema: path.join(folder, 'prisma', 'schema.prisma'),
    migrations: path.join(folder, 'prisma', 'migrations'),
    generated,
    prismaClient: path.join(generated, 'prisma', 'client.ts'),
    resolverTypes: path.join(generated, 'resolvers-types.ts'),
  };
}
