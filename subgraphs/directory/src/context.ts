import type { Db } from '#platform/db/client.js';
import type { RequestContext } from '#platform/subgraph.js';
import type { PrismaClient as DirectoryClient } from './__generated__/prisma/client.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createRepository, type Repository } from './repository.js';
import { createUpserts, type Upserts } from './upserts.js';

export interface Context extends RequestContext {
  repo: Repository;
  upserts: Upserts;
  loaders: Loaders;
}

/**
 * Per request: data access bound to the caller's row scope, and loaders whose caches never
 * outlive one caller's request.
 */
export function createContext(base: RequestContext, db: Db<DirectoryClient>): Context {
  const repo = createRepository(db, base.access.scope);
  return { ...base, repo, upserts: createUpserts(db.client, base.access.scope), loaders: createLoaders(repo) };
}
