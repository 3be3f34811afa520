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

/** Data access is stateless: built once per database client, not per request. */
const access = new WeakMap<DirectoryClient, { repo: Repository; upserts: Upserts }>();

/** New loaders per request (their caches must never outlive one caller's request). */
export function createContext(base: RequestContext, db: Db<DirectoryClient>): Context {
  let shared = access.get(db.client);
  if (!shared) access.set(db.client, (shared = { repo: createRepository(db.client), upserts: createUpserts(db.client) }));
  return { ...base, ...shared, loaders: createLoaders(shared.repo) };
}
