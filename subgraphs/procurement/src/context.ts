import type { Db } from '#platform/db/client.js';
import type { RequestContext } from '#platform/subgraph.js';
import type { PrismaClient } from './__generated__/prisma/client.js';
import { procurementFiguresLoader } from './figures.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createRepository, type Repository } from './repository.js';
import { MINIMUM_TENDERS } from './rules/sufficiency.js';

export interface Context extends RequestContext {
  repo: Repository;
  loaders: Loaders;
  figures: ReturnType<typeof procurementFiguresLoader>;
  db: Db<PrismaClient>;
}

/** Per request: data access bound to the caller's row scope, and loaders that never outlive the request. */
export function createContext(base: RequestContext, db: Db<PrismaClient>): Context {
  const repo = createRepository(db, base.access.scope);
  return {
    ...base,
    db,
    repo,
    loaders: createLoaders(repo),
    figures: procurementFiguresLoader(db.pool, db.schema, base.access.scope, MINIMUM_TENDERS),
  };
}
