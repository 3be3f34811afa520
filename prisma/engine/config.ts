// The Prisma CLI's configuration of a subgraph (prisma/prisma.config.ts), and the switch
// that makes the Prisma CLI use our Wasm-backed stand-in for the native schema engine (DESIGN.md §5).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { withSchema } from './pg-admin.mjs';
import { subgraphPaths } from '../../subgraphs/shared/platform/paths.js';

/** Absolute path of the executable stand-in for Prisma's `schema-engine` binary. */
export const SCHEMA_ENGINE_STAND_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema-engine.mjs');

/**
 * Datasource for the Prisma CLI run on subgraph `svc`:
 * - url: `<SVC>_DATABASE_URL` if set (used as given), else `DATABASE_URL` with `schema=<svc>`, else a
 *   placeholder that lets `prisma generate` run without a database (commands that connect fail
 *   with a message naming the variable to set; note that every migrate/db command connects, even a
 *   schema-to-schema `migrate diff`: the Wasm engine opens its connection when it starts);
 * - shadowDatabaseUrl: `SHADOW_DATABASE_URL` with `schema=<svc>` if set; otherwise the stand-in
 *   creates and drops a throw-away `<db>_shadow_<random>` database (needs CREATEDB).
 * A real schema-engine binary named by PRISMA_SCHEMA_ENGINE_BINARY still wins over the stand-in.
 */
export function prismaCliEnv(svc: string): { url: string; shadowDatabaseUrl?: string } {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= SCHEMA_ENGINE_STAND_IN;

  const ownVar = `${svc.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATABASE_URL`;
  const own = process.env[ownVar];
  const shared = process.env.DATABASE_URL;
  // The placeholder is never connected to by `prisma generate`; any command that does connect fails
  // with "Can't reach database server at `set-…-database-url.invalid`", which says what to do.
  const placeholder = `postgresql://set-${ownVar.toLowerCase().replaceAll('_', '-')}-or-database-url.invalid:5432/unset?schema=${encodeURIComponent(svc)}`;
  const url = own ? own : shared ? withSchema(shared, svc) : placeholder;

  const shadow = process.env.SHADOW_DATABASE_URL;
  return shadow ? { url, shadowDatabaseUrl: withSchema(shadow, svc) } : { url };
}

/**
 * Everything the Prisma CLI needs for subgraph `name`: its schema and migrations (by convention in
 * subgraphs/<name>/prisma/, platform/paths.ts) and its datasource (prismaCliEnv).
 */
export function subgraphPrismaConfig(name: string | undefined) {
  if (!name) throw new Error('HUB_SUBGRAPH is not set: run the Prisma CLI as `npm run prisma -- <subgraph> <command…>`');
  const paths = subgraphPaths(name);
  return { schema: paths.prismaSchema, migrations: { path: paths.migrations }, datasource: prismaCliEnv(name) };
}
