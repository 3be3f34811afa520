// The audit log on real PostgreSQL: concurrent chained writers, append-only enforcement, tamper
// detection, retention-bounded purge with checkpoints, and the operator commands' exit codes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AuditEntry } from '#common/audit/entry.js';
import { AuditRetentionError, purgeAudit } from '#common/audit/purge.js';
import { verifyAuditChain } from '#common/audit/verify.js';
import { createAuditWriter } from '#common/audit/writer.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { createLogger } from '#common/logger.js';
import { until } from './helpers/gate.js';

const run = promisify(execFile);
const log = createLogger({ level: 'silent' });
const DAY = 86_400_000;

const pool = (url: string) => {
  const u = new URL(url);
  u.searchParams.delete('schema');
  return new pg.Pool({ connectionString: u.toString(), max: 3 });
};

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: new Date(),
  source: 'gateway',
  requestId: `req-${i}`,
  subject: `user-${i % 17}`,
  clientId: 'console',
  roles: ['supervisor'],
  ip: '10.1.2.3',
  operationType: 'query',
  operationName: 'Hospitals',
  operationHash: 'f'.repeat(64),
  hospitals: ['12330500MB0000001X'],
  records: i,
  outcome: 'ok',
  status: 200,
  errorCodes: [],
  durationMs: 5,
  unmaskReason: null,
  unmaskedFields: [],
  detail: { i },
  ...over,
});

async function sqlError(p: pg.Pool, sql: string, params: unknown[] = []): Promise<{ code?: string; message: string } | undefined> {
  try {
    await p.query(sql, params);
    return undefined;
  } catch (err) {
    return err as { code?: string; message: string };
  }
}

/** Run statements as the superuser with triggers off for this session — what an attacker with full access could do. */
async function bypassing(p: pg.Pool, sql: string, params: unknown[] = []): Promise<void> {
  const client = await p.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(sql, params);
  } finally {
    await client.query('RESET session_replication_role');
    client.release();
  }
}

async function cli(
  script: 'audit:verify' | 'audit:purge',
  databaseUrl: string,
  args: string[] = [],
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * A fresh database with the audit schema for every test, with pools as the administrator, as the
 * writer role and as the schema's owner: each test starts from an empty log and builds the state
 * it needs (writeChain, purgedLog), so none depends on what an earlier one left behind.
 */
function auditDatabase() {
  const handle = {} as { db: TestDatabase; admin: pg.Pool; writerRole: pg.Pool; owner: pg.Pool };
  beforeEach(async () => {
    handle.db = await createTestDatabase({ subgraphs: ['audit'] });
    handle.admin = pool(handle.db.adminUrl);
    handle.writerRole = pool(auditWriterUrl(handle.db.adminUrl));
    handle.owner = pool(handle.db.urlFor('audit'));
  });
  afterEach(async () => {
    await Promise.all([handle.admin?.end(), handle.writerRole?.end(), handle.owner?.end()]);
    await handle.db?.drop();
  });
  return handle;
}

/** `n` entries (seq 1..n) chained by one writer; `over` shapes entry i. */
async function writeChain(db: TestDatabase, n: number, over: (i: number) => Partial<AuditEntry> = () => ({})): Promise<void> {
  const writer = createAuditWriter({ pool: auditWriterUrl(db.adminUrl), log });
  for (let i = 0; i < n; i++) writer.append(entry(i, over(i)));
  await writer.close();
  expect(writer.stats()).toMatchObject({ appended: n, written: n, dropped: 0 });
}

describe('audit log: chain, append-only, tampering', () => {
  const ctx = auditDatabase();

  it('two writers appending 1,000 entries concurrently build one gap-free, valid chain', async () => {
    const a = createAuditWriter({ pool: auditWriterUrl(ctx.db.adminUrl), algorithm: 'sm3', flushIntervalMs: 5, maxBatch: 37, log });
    const b = createAuditWriter({ pool: auditWriterUrl(ctx.db.adminUrl), algorithm: 'sha256', flushIntervalMs: 3, maxBatch: 50, log });
    for (let i = 0; i < 500; i++) {
      a.append(entry(2 * i, { source: 'gateway' }));
      b.append(entry(2 * i + 1, { source: 'directory' }));
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.close(), b.close()]);
    expect(a.stats()).toMatchObject({ appended: 500, written: 500, dropped: 0, buffered: 0 });
    expect(b.stats()).toMatchObject({ appended: 500, written: 500, dropped: 0, buffered: 0 });

    const { rows } = await ctx.admin.query(
      'SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi, count(DISTINCT alg)::int AS algs FROM audit.entry',
    );
    expect(rows[0]).toEqual({ n: 1000, lo: 1, hi: 1000, algs: 2 });
    const result = await verifyAuditChain(ctx.admin, 'audit', { pageSize: 128 });
    expect(result).toMatchObject({ ok: true, rows: 1000, head: { seq: 1000 } });
  });

  it('the writer role may append and read, nothing else', async () => {
    await writeChain(ctx.db, 3);
    expect((await ctx.writerRole.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe('audit_writer');
    expect((await ctx.writerRole.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.entry')).rows[0]!.n).toBe(3);
    for (const sql of [
      'UPDATE audit.entry SET subject = NULL WHERE seq = 1',
      'DELETE FROM audit.entry WHERE seq = 1',
      'TRUNCATE audit.entry',
      'INSERT INTO audit.checkpoint VALUES (1, $$x$$, now(), 1)',
    ]) {
      expect((await sqlError(ctx.writerRole, sql))?.code, sql).toBe('42501');
    }
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 3 });
  });

  it('the triggers refuse UPDATE, DELETE and TRUNCATE even to the owner and the superuser', async () => {
    await writeChain(ctx.db, 3);
    for (const p of [ctx.owner, ctx.admin]) {
      for (const sql of [
        'UPDATE audit.entry SET subject = NULL WHERE seq = 1',
        'DELETE FROM audit.entry WHERE seq = 1',
        'TRUNCATE audit.entry',
        'TRUNCATE audit.checkpoint',
      ]) {
        const err = await sqlError(p, sql);
        expect(err?.code, sql).toBe('P0001');
        expect(err?.message).toMatch(/append-only/);
      }
    }
    // the purge flag does not open recent rows
    const client = await ctx.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL hub.audit_purge = 'on'");
      await expect(client.query('DELETE FROM audit.entry WHERE seq = 1')).rejects.toMatchObject({ code: 'P0001' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 3 });
  });

  it('an altered row fails verification at that seq', async () => {
    await writeChain(ctx.db, 1000);
    const {
      rows: [orig],
    } = await ctx.admin.query<{ subject: string; records: number }>('SELECT subject, records FROM audit.entry WHERE seq = 500');
    await bypassing(ctx.admin, 'UPDATE audit.entry SET records = records + 1 WHERE seq = 500');
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: false, firstBadSeq: 500, problem: 'hash mismatch', rows: 499 });
    await bypassing(ctx.admin, 'UPDATE audit.entry SET records = $1 WHERE seq = 500', [orig!.records]);
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 1000 });
  });

  it('an altered row whose hash was recomputed breaks the next link', async () => {
    await writeChain(ctx.db, 1000);
    const {
      rows: [orig],
    } = await ctx.admin.query<{ hash: string }>('SELECT hash FROM audit.entry WHERE seq = 321');
    await bypassing(ctx.admin, "UPDATE audit.entry SET hash = repeat('a', 64) WHERE seq = 321");
    const result = await verifyAuditChain(ctx.admin);
    expect(result).toMatchObject({ ok: false, firstBadSeq: 321, problem: 'hash mismatch' });
    await bypassing(ctx.admin, 'UPDATE audit.entry SET hash = $1 WHERE seq = 321', [orig!.hash]);
    // forging the successor's link too still fails: its own hash covers prev_hash
    const {
      rows: [next],
    } = await ctx.admin.query<{ prev_hash: string }>('SELECT prev_hash FROM audit.entry WHERE seq = 322');
    await bypassing(ctx.admin, "UPDATE audit.entry SET prev_hash = repeat('b', 64) WHERE seq = 322");
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: false, firstBadSeq: 322, problem: 'broken link' });
    await bypassing(ctx.admin, 'UPDATE audit.entry SET prev_hash = $1 WHERE seq = 322', [next!.prev_hash]);
    expect((await verifyAuditChain(ctx.admin)).ok).toBe(true);
  });

  it('a deleted row in the middle fails verification (gap)', async () => {
    await writeChain(ctx.db, 1000);
    await bypassing(ctx.admin, 'DELETE FROM audit.entry WHERE seq = 700');
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: false, firstBadSeq: 700, problem: 'gap', rows: 699 });
    // renumbering everything after it to hide the gap breaks the link instead
    await bypassing(
      ctx.admin,
      'UPDATE audit.entry SET seq = seq + 100000 WHERE seq > 700; UPDATE audit.entry SET seq = seq - 100001 WHERE seq > 100000',
    );
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: false, firstBadSeq: 700, problem: 'broken link' });
  });

  it('npm run audit:verify exits 1 on a broken log, naming the seq', async () => {
    await writeChain(ctx.db, 1000);
    await bypassing(ctx.admin, 'DELETE FROM audit.entry WHERE seq = 700');
    const res = await cli('audit:verify', ctx.db.adminUrl);
    expect(res.code, res.out).toBe(1);
    expect(res.out).toMatch(/first bad seq 700: gap/);
  });

  it('purge is refused below 180 days, and removes nothing', async () => {
    await writeChain(ctx.db, 10, () => ({ time: new Date(Date.now() - 400 * DAY) })); // old enough for any purge
    await expect(purgeAudit(ctx.admin, { olderThanDays: 179 })).rejects.toBeInstanceOf(AuditRetentionError);
    await expect(purgeAudit(ctx.admin, { olderThanDays: 100, retentionMinDays: 30 })).rejects.toThrow(/at least 180 days/);
    await expect(purgeAudit(ctx.admin, { olderThanDays: 200, retentionMinDays: 365 })).rejects.toThrow(/at least 365 days/);
    const res = await cli('audit:purge', ctx.db.adminUrl, ['--older-than', '30']);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/refused/);
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 10, head: { seq: 10 }, checkpoint: null });
  });
});

describe('audit log: writer resilience', () => {
  const ctx = auditDatabase();

  it('keeps entries while the database refuses them, drops beyond the bound and records the drop', async () => {
    const errors: string[] = [];
    const loud = createLogger({ level: 'error', sink: (line) => errors.push(line) });
    const writer = createAuditWriter({
      pool: auditWriterUrl(ctx.db.adminUrl),
      flushIntervalMs: 10_000,
      maxBatch: 10,
      maxBuffered: 25,
      log: loud,
    });
    await ctx.admin.query('REVOKE INSERT ON audit.entry FROM audit_writer');
    for (let i = 0; i < 30; i++) writer.append(entry(i));
    await expect(writer.flush()).rejects.toMatchObject({ code: '42501' });
    expect(writer.stats()).toMatchObject({ appended: 25, dropped: 5, buffered: 25, written: 0 });
    expect(errors.join('\n')).toMatch(/AUDIT ENTRIES DROPPED/);

    await ctx.admin.query('GRANT INSERT ON audit.entry TO audit_writer');
    await writer.flush();
    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 26, buffered: 0, dropped: 5 });
    const { rows } = await ctx.admin.query(
      "SELECT seq::int, records, error_codes FROM audit.entry WHERE operation_name = 'audit.entries-dropped'",
    );
    expect(rows).toEqual([{ seq: 26, records: 5, error_codes: ['AUDIT_BUFFER_FULL'] }]);
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 26 });
  });

  it('a timer that finds the queue already flushed does not wedge later writes', async () => {
    // Regression: a write attempt on an empty queue used to leave a settled promise as the
    // in-flight write, and every later write and flush() spun on it forever. The writer's timers
    // are faked, so each fires exactly when the test says — the first after the flush — however
    // slow the database is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let writer: ReturnType<typeof createAuditWriter> | undefined;
    try {
      writer = createAuditWriter({ pool: auditWriterUrl(ctx.db.adminUrl), flushIntervalMs: 100, log });
      writer.append(entry(1)); // schedules the timer…
      await writer.flush(); // …writes before it fires…
      expect(writer.stats()).toMatchObject({ written: 1, buffered: 0 });
      await vi.advanceTimersByTimeAsync(100); // …which then finds nothing to write
      writer.append(entry(2));
      await vi.advanceTimersByTimeAsync(100); // the next timer: this one must write
    } finally {
      vi.useRealTimers();
    }
    const w = writer;
    await until(() => w.stats().written === 2, 20_000, 'the timer to write the second entry');
    await w.flush();
    await w.close();
    expect(w.stats()).toMatchObject({ appended: 2, written: 2, buffered: 0, failures: 0 });
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 2 });
  });
});

/**
 * The log a purge test starts from: 470 entries — 400 older than 200 days, then recent ones, then
 * old ones again — purged of everything older than 200 days (only the old prefix goes).
 */
async function purgedLog(ctx: { db: TestDatabase; admin: pg.Pool }) {
  const now = Date.now();
  const writer = createAuditWriter({ pool: auditWriterUrl(ctx.db.adminUrl), log });
  for (let i = 0; i < 300; i++) writer.append(entry(i, { time: new Date(now - 400 * DAY + i * 1000) })); // seq 1..300
  for (let i = 0; i < 100; i++) writer.append(entry(i, { time: new Date(now - 250 * DAY) })); // 301..400
  for (let i = 0; i < 50; i++) writer.append(entry(i)); // 401..450, recent
  for (let i = 0; i < 20; i++) writer.append(entry(i, { time: new Date(now - 400 * DAY) })); // 451..470: old, after recent ones
  await writer.close();
  return purgeAudit(ctx.admin, { olderThanDays: 200, subject: 'test-operator' });
}

describe('audit log: purge', () => {
  const ctx = auditDatabase();

  it('removes only the old prefix of the chain, and verification continues from the checkpoint', async () => {
    const result = await purgedLog(ctx);
    expect(result).toMatchObject({ rowsPurged: 400, checkpoint: { upToSeq: 400 }, entrySeq: 471 });
    const { rows } = await ctx.admin.query('SELECT min(seq)::int AS lo, max(seq)::int AS hi, count(*)::int AS n FROM audit.entry');
    expect(rows[0]).toEqual({ lo: 401, hi: 471, n: 71 });
    const cp = await ctx.admin.query('SELECT up_to_seq::int, rows_purged::int FROM audit.checkpoint');
    expect(cp.rows).toEqual([{ up_to_seq: 400, rows_purged: 400 }]);
    const {
      rows: [purgeEntry],
    } = await ctx.admin.query<Record<string, unknown>>(
      'SELECT operation_type, operation_name, subject, records, detail FROM audit.entry WHERE seq = 471',
    );
    expect(purgeEntry).toMatchObject({
      operation_type: 'maintenance',
      operation_name: 'audit.purge',
      subject: 'test-operator',
      records: 400,
    });

    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 71, head: { seq: 471 }, checkpoint: { upToSeq: 400 } });

    // nothing more is old enough at the head of the chain: a purge records itself and removes nothing
    const again = await purgeAudit(ctx.admin, { olderThanDays: 200 });
    expect(again).toMatchObject({ rowsPurged: 0, checkpoint: null, entrySeq: 472 });
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 72 });

    // writers continue the chain after a purge
    const later = createAuditWriter({ pool: auditWriterUrl(ctx.db.adminUrl), log });
    later.append(entry(1));
    await later.close();
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: true, rows: 73, head: { seq: 473 } });
  });

  it('npm run audit:verify exits 0 on an intact (purged) log', async () => {
    await purgedLog(ctx);
    const res = await cli('audit:verify', ctx.db.adminUrl);
    expect(res.code, res.out).toBe(0);
    expect(res.out).toMatch(/audit chain OK .*71 rows checked from the checkpoint after seq 400/);
    expect(res.out).toMatch(/head: seq 471 hash [0-9a-f]{64}/);
  });

  it('deleting the first remaining row is detected against the checkpoint', async () => {
    await purgedLog(ctx);
    await bypassing(ctx.admin, 'DELETE FROM audit.entry WHERE seq = 401');
    expect(await verifyAuditChain(ctx.admin)).toMatchObject({ ok: false, firstBadSeq: 401, problem: 'checkpoint mismatch' });
    const res = await cli('audit:verify', ctx.db.adminUrl);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/first bad seq 401: checkpoint mismatch/);
  });
});
