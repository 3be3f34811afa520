import type pg from 'pg';
import type { Db } from '#platform/db/client.js';
import type { RequestContext } from '#platform/subgraph.js';
import type { PrismaClient as AuditClient } from './__generated__/prisma/client.js';
import { createRepository, type Repository } from './repository.js';

export interface Context extends RequestContext {
  repo: Repository;
  /** The subgraph's pool, for chain verification (plain SQL, #common/audit/verify.ts). */
  pool: pg.Pool;
}

/** Data access is stateless: built once per database client. */
const repos = new WeakMap<AuditClient, Repository>();

export function createContext(base: RequestContext, db: Db<AuditClient>): Context {
  let repo = repos.get(db.client);
  if (!repo) repos.set(db.client, (repo = createRepository(db.client)));
  return { ...base, repo, pool: db.pool };
}
