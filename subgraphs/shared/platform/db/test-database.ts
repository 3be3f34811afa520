// A fresh PostgreSQL database per test file: each subgraph gets its role and schema (provision.ts)
// and its migrations, applied in process as that role (migrate.ts); with 'audit', the audit writer's
// role too (auditWriterUrl). Dropped WITH (FORCE) at the end.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { env, parseConfig } from '#common/config.js';
import { onDatabase, runStatements } from '#prisma-engine/pg-admin.mjs';

import { applyMigrations, migrationsDirFor } from './migrate.js';
import { ensurePlatformTablesAt, type PlatformFeatures } from './platform-tables.js';
import { provisionAuditWriter, provisionSubgraphSchema, subgraphUrl } from './provision.js';

export interface TestDatabase {
  /** `ih_test_<random>`. */
  name: string;
  /** Administrator URL of this database. */
  adminUrl: string;
  /** URL of a subgraph: its own role, `?schema=<svc>`. */
  urlFor(svc: string): string;
  /** Drops the database, closing whatever is still connected. Idempotent. */
  drop(): Promise<void>;
}

const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Test processes (vitest's workers, the benchmarks) have no config module of their own: this is
 * where they read their one variable, TEST_DATABASE_ADMIN_URL, once.
 */
let configuredAdminUrl: string | undefined;
const testAdminUrl = () =>
  (configuredAdminUrl ??= parseConfig(
    z.object({ TEST_DATABASE_ADMIN_URL: env.url().default(DEFAULT_ADMIN_URL) }),
    process.env,
  ).TEST_DATABASE_ADMIN_URL);

const adminQuery = (url: string, sql: string) => runStatements(url, [sql]);

/**
 * Creates `ih_test_<random>` on `opts.adminUrl ?? TEST_DATABASE_ADMIN_URL ?? postgres@127.0.0.1:5432`,
 * provisions and migrates each of `opts.subgraphs` in it.
 */
export async function createTestDatabase(opts: {
  subgraphs: string[];
  adminUrl?: string;
  /** The platform tables per subgraph; by default what each declares (a subgraph with feeds gets the feed tables). */
  platformTables?: Record<string, PlatformFeatures>;
}): Promise<TestDatabase> {
  const serverAdminUrl = opts.adminUrl ?? testAdminUrl();
  const name = `ih_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverAdminUrl, `CREATE DATABASE "${name}"`);
  const adminUrl = onDatabase(serverAdminUrl, name);

  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminQuery(serverAdminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };

  try {
    // one at a time: the grants on the database touch the same catalog row
    for (const svc of opts.subgraphs) await provisionSubgraphSchema(adminUrl, svc);
    await Promise.all(
      opts.subgraphs.map((svc) => applyMigrations({ url: subgraphUrl(adminUrl, svc), schema: svc, migrationsDir: migrationsDirFor(svc) })),
    );
    const platform = opts.platformTables ?? (await declaredPlatformTables(opts.subgraphs));
    for (const [svc, features] of Object.entries(platform)) await ensurePlatformTablesAt(subgraphUrl(adminUrl, svc), svc, features);
    if (opts.subgraphs.includes('audit')) await provisionAuditWriter(adminUrl);
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }

  return { name, adminUrl, urlFor: (svc) => subgraphUrl(adminUrl, svc), drop };
}

/** What the registry's declarations ask for; imported when needed, so the platform does not depend on the subgraphs statically. */
async function declaredPlatformTables(names: string[]): Promise<Record<string, PlatformFeatures>> {
  const [{ registry }, { platformFeaturesOf }] = await Promise.all([import('../../../registry.js'), import('../define.js')]);
  return Object.fromEntries(registry.filter((s) => names.includes(s.name)).map((s) => [s.name, platformFeaturesOf(s)]));
}
