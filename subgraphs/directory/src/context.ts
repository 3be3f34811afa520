import type { Db } from '../../shared/src/db/client.js';
import type { RequestContext } from '../../shared/src/subgraph.js';
import type { DirectoryClient } from './db.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createRepository, type Repository } from './repository.js';
import { createUpserts, type Upserts } from './upserts.js';

export interface Context extends RequestContext {
  repo: Repository;
  upserts: Upserts;
  loaders: Loaders;
}

/** New loaders per request (their caches must never outlive one caller's request). */
export function createContext(base: RequestContext, db: Db<DirectoryClient>): Context {
  const repo = createRepository(db.client);
  return { ...base, repo, upserts: createUpserts(db.client), loaders: createLoaders(repo) };
}
