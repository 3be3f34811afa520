import type pg from 'pg';
import { z } from 'zod';
import { env, parseConfig } from '#common/config.js';
import { startEmbeddedPostgres } from '#platform/db/embedded.js';
import { openAuditPool } from '#common/audit/store.js';

/**
 * The database holding the audit log, for the operator commands (audit:verify, audit:purge):
 * DATABASE_URL (an administrator URL) when set, else the embedded database in HUB_DATA_DIR, opened
 * the way `npm start` and `npm run seed` open it (stop `npm start` first; the folder is locked while
 * in use). A pool on it, and a stop that closes both.
 */
export async function openAuditDatabase(
  source: Record<string, string | undefined>,
): Promise<{ pool: pg.Pool; where: string; close(): Promise<void> }> {
  const config = parseConfig(z.object({ DATABASE_URL: env.url().optional(), HUB_DATA_DIR: z.string().default('.data/pglite') }), source);
  let url = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let where: string;
  if (url) {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir: config.HUB_DATA_DIR, host: '127.0.0.1', port: 0 });
    url = embedded.url;
    stopEmbedded = () => embedded.stop();
    where = `embedded ${config.HUB_DATA_DIR}`;
  }
  const pool = openAuditPool(url, 'integrity-hub:audit-cli');
  return {
    pool,
    where,
    close: async () => {
      await pool.end().catch(() => undefined);
      await stopEmbedded?.();
    },
  };
}

/** Whether the audit tables exist (the hub has been started or `npm run db:migrate` run). */
export async function hasAuditLog(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ t: string | null }>("SELECT to_regclass('audit.entry')::text AS t");
  return rows[0]?.t != null;
}
