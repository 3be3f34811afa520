// The Prisma CLI's configuration of a subgraph (prisma/prisma.config.ts), and the environment
// that makes the Prisma CLI use our Wasm-backed stand-in for the native schema engine (docs/architecture.md, "Data").
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { withSchema } from './pg-admin.mjs';
import { subgraphPaths } from '../../subgraphs/shared/platform/paths.js';

/** Absolute path of the executable stand-in for Prisma's `schema-engine` binary. */
export const SCHEMA_ENGINE_STAND_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema-engine.mjs');

type Env = Record<string, string | undefined>;

/**
 * The environment of a Prisma CLI child process run on subgraph `svc` (scripts/prisma.ts,
 * generation.ts, the tests): `base` (the parent's environment) plus the subgraph for
 * prisma.config.ts (HUB_SUBGRAPH), quiet and offline CLI settings, and PRISMA_SCHEMA_ENGINE_BINARY
 * pointing at the stand-in — the CLI reads that path only from its environment (its config file
 * has no such setting), so it is given to the child, never written into this process's. A real
 * schema-engine binary named by PRISMA_SCHEMA_ENGINE_BINARY in `base` still wins over the stand-in.
 */
export function prismaCliChildEnv(base: Env, svc: string): Env {
  return {
    ...base,
    HUB_SUBGRAPH: svc,
    PRISMA_SCHEMA_ENGINE_BINARY: base.PRISMA_SCHEMA_ENGINE_BINARY || SCHEMA_ENGINE_STAND_IN,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

/**
 * Datasource for the Prisma CLI run on subgraph `svc`, from the CLI process's environment `env`:
 * - url: `<SVC>_DATABASE_URL` if set (used as given), else `DATABASE_URL` with `schema=<svc>`, else a
 *   placeholder that lets `prisma generate` run without a database (commands that connect fail
 *   with a message naming the variable to set; note that every migrate/db command connects, even a
 *   schema-to-schema `migrate diff`: the Wasm engine opens its connection when it starts);
 * - shadowDatabaseUrl: `SHADOW_DATABASE_URL` with `schema=<svc>` if set; otherwise the stand-in
 *   creates and drops a throw-away `<db>_shadow_<random>` database (needs CREATEDB).
 */
export function prismaCliEnv(svc: string, env: Env): { url: string; shadowDatabaseUrl?: string } {
  const ownVar = `${svc.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATABASE_URL`;
  const own = env[ownVar];
  const shared = env.DATABASE_URL;
  // The placeholder is never connected to by `prisma generate`; any command that does connect fails
  // with "Can't reach database server at `set-…-database-url.invalid`", which says what to do.
  const placeholder = `postgresql://set-${ownVar.toLowerCase().replaceAll('_', '-')}-or-database-url.invalid:5432/unset?schema=${encodeURIComponent(svc)}`;
  const url = own ? own : shared ? withSchema(shared, svc) : placeholder;

  const shadow = env.SHADOW_DATABASE_URL;
  return shadow ? { url, shadowDatabaseUrl: withSchema(shadow, svc) } : { url };
}

/**
 * Everything the Prisma CLI needs for the subgraph named by HUB_SUBGRAPH in its environment `env`:
 * its schema and migrations (by convention in subgraphs/<name>/prisma/, platform/paths.ts) and its
 * datasource (prismaCliEnv).
 */
export function subgraphPrismaConfig(env: Env) {
  const name = env.HUB_SUBGRAPH;
  if (!name) throw new Error('HUB_SUBGRAPH is not set: run the Prisma CLI as `npm run prisma -- <subgraph> <command…>`');
  // Without it the CLI would try to download its native engine (offline: a confusing failure).
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY)
    throw new Error(
      'PRISMA_SCHEMA_ENGINE_BINARY is not set: run the Prisma CLI as `npm run prisma -- <subgraph> <command…>` (prismaCliChildEnv)',
    );
  const paths = subgraphPaths(name);
  return { schema: paths.prismaSchema, migrations: { path: paths.migrations }, datasource: prismaCliEnv(name, env) };
}
