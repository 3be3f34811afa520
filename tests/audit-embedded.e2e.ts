// The audit log's triggers, writer, verification and purge on the embedded database (PGlite):
// `npm start` without DATABASE_URL keeps its audit log there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { withSchema } from '#prisma-engine/pg-admin.mjs';
import type { AuditEntry } from '#common/audit/entry.js';
import { purgeAudit } from '#common/audit/purge.js';
import { verifyAuditChain } from '#common/audit/verify.js';
import { createAuditWriter } from '#common/audit/writer.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#platform/db/embedded.js';
import { applyMigrations, migrationsDirFor } from '#platform/db/migrate.js';
import { createLogger } from '#common/logger.js';

const log = createLogger({ level: 'silent' });
const dataDir = join(mkdtempSync(join(tmpdir(), 'ih-audit-embedded-')), 'pglite');
let embedded: EmbeddedPostgres;
let pool: pg.Pool;

const entry = (i: number, time: Date): AuditEntry => ({
  time,
  source: 'gateway',
  requestId: `r${i}`,
  subject: 's',
  clientId: null,
  roles: [],
  ip: null,
  operationType: 'query',
  operationName: 'Q',
  operationHash: null,
  hospitals: [],
  records: i,
  outcome: 'ok',
  status: 200,
  errorCodes: [],
  durationMs: 1,
  unmaskReason: null,
  unmaskedFields: [],
  detail: { i, nested: { b: [1, 2], a: 'x' } },
});

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir, host: '127.0.0.1', port: 0 });
  await applyMigrations({ url: withSchema(embedded.url, 'audit'), schema: 'audit', migrationsDir: migrationsDirFor('audit') });
  pool = new pg.Pool({ connectionString: embedded.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('audit log on embedded PGlite', () => {
  it('writes a valid chain, refuses changes, purges old rows behind a checkpoint', async () => {
    const writer = createAuditWriter({ pool: embedded.url, log, maxBatch: 40 });
    for (let i = 0; i < 60; i++) writer.append(entry(i, new Date(Date.now() - 300 * 86_400_000)));
    for (let i = 0; i < 40; i++) writer.append(entry(i, new Date()));
    await writer.close();
    expect(await verifyAuditChain(pool, 'audit', { pageSize: 33 })).toMatchObject({ ok: true, rows: 100 });

    await expect(pool.query('UPDATE audit.entry SET records = 0 WHERE seq = 5')).rejects.toMatchObject({ code: 'P0001' });
    await expect(pool.query('DELETE FROM audit.entry WHERE seq = 5')).rejects.toMatchObject({ code: 'P0001' });
    await expect(pool.query('TRUNCATE audit.entry')).rejects.toMatchObject({ code: 'P0001' });

    const result = await purgeAudit(pool, { olderThanDays: 200 });
    expect(result).toMatchObject({ rowsPurged: 60, checkpoint: { upToSeq: 60 }, entrySeq: 101 });
    expect(await verifyAuditChain(pool)).toMatchObject({ ok: true, rows: 41, head: { seq: 101 }, checkpoint: { upToSeq: 60 } });
  });
});
