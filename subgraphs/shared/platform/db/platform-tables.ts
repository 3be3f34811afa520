import type pg from 'pg';
import { feedDdl } from '../feed/ddl.js';
import { findingsDdl } from '../findings/ddl.js';

/** The platform's own tables a domain subgraph may have, by feature (its declaration says which). */
export interface PlatformFeatures {
  /** feed_run, feed_reject (feed/ddl.ts): the subgraph declares `feeds`. */
  feeds?: boolean;
  /** finding, rule_threshold_override (findings/ddl.ts). */
  findings?: boolean;
}

/**
 * Create the platform tables of `features` in `schema`, idempotently (IF NOT EXISTS), after the
 * subgraph's own migrations and as its own role, so the role owns them. One transaction under an
 * advisory lock on the schema: two processes starting at once must not race on the catalog.
 */
export async function ensurePlatformTables(pool: pg.Pool, schema: string, features: PlatformFeatures): Promise<void> {
  const statements = [...(features.feeds ? feedDdl(schema) : []), ...(features.findings ? findingsDdl(schema) : [])];
  if (statements.length === 0) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`platform-tables:${schema}`]);
    for (const sql of statements) await client.query(sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The same for a URL (the subgraph's own role), with a short-lived pool: start-up and test databases. */
export async function ensurePlatformTablesAt(url: string, schema: string, features: PlatformFeatures): Promise<void> {
  if (!features.feeds && !features.findings) return;
  const { default: pgModule } = await import('pg');
  const u = new URL(url);
  u.searchParams.delete('schema');
  const pool = new pgModule.Pool({ connectionString: u.toString(), max: 1 });
  try {
    await ensurePlatformTables(pool, schema, features);
  } finally {
    await pool.end();
  }
}
