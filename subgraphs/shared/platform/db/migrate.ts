// Migrations applied in process by Prisma's own schema engine (Wasm), the same set-up the CLI
// stand-in uses (prisma/engine/wasm-engine.mjs): ~0.1 s on a fresh database and ~0.02 s when up to
// date, against ~1.3 s for `prisma migrate deploy` — so `npm start` and every test file migrate on
// start (docs/architecture.md, "Data").
import { withSchema } from '#prisma-engine/pg-admin.mjs';
import { applyMigrationsInProcess } from '#prisma-engine/wasm-engine.mjs';
import { subgraphPaths } from '../paths.js';

/** Absolute path of a subgraph's migrations folder, `subgraphs/<svc>/prisma/migrations`. */
export const migrationsDirFor = (svc: string): string => subgraphPaths(svc).migrations;

/**
 * Applies the pending migrations of `migrationsDir` to PostgreSQL schema `schema` (created if
 * missing; `_prisma_migrations` lives in it) over `url` — any PostgreSQL URL, real or PGlite served
 * on a socket; a `?schema=` already on the URL is replaced by `schema`. Each migration runs as one
 * script, atomically. Fails with the engine's error (e.g. P3018 / a failed migration, P3009 when a
 * previous one is still marked failed).
 */
export async function applyMigrations(opts: { url: string; schema: string; migrationsDir: string }): Promise<{ applied: string[] }> {
  const applied = await applyMigrationsInProcess({ url: withSchema(opts.url, opts.schema), migrationsDir: opts.migrationsDir });
  return { applied };
}
