import pg from 'pg';
import type { Logger } from '../logger.js';
import { DEFAULT_AUDIT_HASH, hashAvailable, type AuditHashAlgorithm } from './chain.js';
import { normalizeEntry, type AuditEntry } from './entry.js';
import { appendChained, MAX_BATCH, openAuditPool, table, withChainLock } from './store.js';

export interface AuditWriterOptions {
  /** A pool (not closed by the writer) or a URL (the writer opens and closes its own small pool). */
  pool: pg.Pool | string;
  /** PostgreSQL schema of the log; default 'audit'. */
  schema?: string;
  /** AUDIT_HASH; default sm3 (chain.ts). */
  algorithm?: AuditHashAlgorithm;
  /** Longest an entry waits in memory before its batch is written; default 200. */
  flushIntervalMs?: number;
  /** Entries per transaction; default 500 (at most MAX_BATCH). */
  maxBatch?: number;
  /** Entries held while the database cannot be written; beyond it new entries are dropped and counted. Default 100,000. */
  maxBuffered?: number;
  /** `source` of the writer's own entries (the report of dropped entries); default 'audit'. */
  source?: string;
  log: Logger;
}

export interface AuditWriterStats {
  /** Entries accepted by append(). */
  appended: number;
  /** Entries committed to the database. */
  written: number;
  /** Entries refused by append() because the buffer was full. */
  dropped: number;
  /** Entries waiting in memory (including a batch being written). */
  buffered: number;
  /** Consecutive failed flushes (0 when the last one succeeded). */
  failures: number;
}

export interface AuditWriter {
  /**
   * Queue an entry (never blocks, never throws). False when it was dropped because the buffer
   * is full — the database has been unreachable for a long time; drops are logged and, once the
   * database is back, recorded in the log itself as a 'maintenance' entry.
   */
  append(entry: AuditEntry): boolean;
  /** Resolves when every entry appended before the call is committed; rejects when that write fails (entries stay queued). */
  flush(): Promise<void>;
  /** Flush what is left (logging what could not be written), stop the timer, close an own pool. */
  close(): Promise<void>;
  stats(): AuditWriterStats;
}

const MAX_RETRY_MS = 5_000;

/**
 * Buffered, batched, chained writes of audit entries. Each batch is one transaction:
 * pg_advisory_xact_lock → read the head → hash in process → one multi-row INSERT, so any number
 * of writers (gateway workers, subgraphs' feeds, purge) extend one gap-free chain.
 */
export function createAuditWriter(opts: AuditWriterOptions): AuditWriter {
  const schema = opts.schema ?? 'audit';
  table(schema, 'entry'); // validates the name now, not at the first flush
  const algorithm = opts.algorithm ?? DEFAULT_AUDIT_HASH;
  if (!hashAvailable(algorithm)) throw new Error(`AUDIT_HASH=${algorithm}: this Node's OpenSSL does not provide it`);
  const interval = opts.flushIntervalMs ?? 200;
  const maxBatch = Math.max(1, Math.min(opts.maxBatch ?? 500, MAX_BATCH));
  const maxBuffered = Math.max(maxBatch, opts.maxBuffered ?? 100_000);
  const source = opts.source ?? 'audit';
  const log = opts.log;
  const ownPool = typeof opts.pool === 'string';
  const pool = typeof opts.pool === 'string' ? openAuditPool(opts.pool, 'integrity-hub:audit-writer') : opts.pool;

  const queue: AuditEntry[] = [];
  let appended = 0; // entries ever accepted; queue holds numbers [written, appended)
  let written = 0;
  let dropped = 0;
  let droppedUnreported = 0;
  let firstDropAt: Date | null = null;
  let lastDropLogAt = 0;
  let failures = 0;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const schedule = (ms: number) => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      writeOnce().catch(() => undefined); // logged inside; retried by the next schedule
    }, ms);
    timer.unref();
  };

  /** One batch: the oldest queued entries, up to maxBatch. */
  const writeBatch = async (): Promise<void> => {
    try {
      if (queue.length === 0) return;
      if (droppedUnreported > 0 && queue.length < maxBuffered) reportDrops();
      const batch = queue.slice(0, maxBatch);
      const client = await pool.connect();
      try {
        await withChainLock(client, () => appendChained(client, schema, algorithm, batch));
      } catch (err) {
        client.release(isConnectionError(err) ? (err as Error) : undefined);
        throw err;
      }
      client.release();
      queue.splice(0, batch.length);
      written += batch.length;
      if (failures > 0) log.info('audit log writable again', { afterFailures: failures });
      failures = 0;
    } catch (err) {
      failures += 1;
      log.error('audit log write failed; entries kept for the next attempt', { err, buffered: queue.length, failures });
      throw err;
    }
  };

  /**
   * Single-flight. `running` is cleared in a `.finally` attached after the assignment: clearing it
   * inside the async body would run synchronously when the queue is empty — before the assignment —
   * and leave a settled promise in `running` forever (flush() would then spin on it).
   */
  const writeOnce = (): Promise<void> => {
    running ??= writeBatch().finally(() => {
      running = null;
      if (queue.length > 0)
        schedule(failures === 0 ? (queue.length >= maxBatch ? 0 : interval) : Math.min(interval * 2 ** failures, MAX_RETRY_MS));
    });
    return running;
  };

  /** The gap in the record is itself recorded, in the chain (queued last, so flush() targets stay exact). */
  const reportDrops = () => {
    const n = droppedUnreported;
    droppedUnreported = 0;
    queue.push(
      normalizeEntry({
        time: new Date(),
        source,
        requestId: null,
        subject: null,
        clientId: null,
        roles: [],
        ip: null,
        operationType: 'maintenance',
        operationName: 'audit.entries-dropped',
        operationHash: null,
        hospitals: [],
        records: n,
        outcome: 'error',
        status: null,
        errorCodes: ['AUDIT_BUFFER_FULL'],
        durationMs: 0,
        unmaskReason: null,
        unmaskedFields: [],
        detail: { dropped: n, firstDroppedAt: firstDropAt?.toISOString() ?? null, reportedAt: new Date().toISOString() },
      }),
    );
    appended += 1;
    firstDropAt = null;
    log.error('audit entries were dropped while the database was unwritable; recorded in the log', { dropped: n });
  };

  const append = (entry: AuditEntry): boolean => {
    if (closed) {
      log.error('audit entry appended after close: dropped', { source: entry.source, requestId: entry.requestId });
      dropped += 1;
      return false;
    }
    if (queue.length >= maxBuffered) {
      dropped += 1;
      droppedUnreported += 1;
      firstDropAt ??= new Date();
      const now = Date.now();
      if (now - lastDropLogAt > 10_000) {
        lastDropLogAt = now;
        log.error('AUDIT ENTRIES DROPPED: buffer full, the audit database is not writable', {
          dropped,
          buffered: queue.length,
          maxBuffered,
        });
      }
      return false;
    }
    queue.push(normalizeEntry(entry));
    appended += 1;
    schedule(queue.length >= maxBatch ? 0 : interval);
    return true;
  };

  const flush = async (): Promise<void> => {
    const target = appended;
    while (written < target) {
      if (running) {
        await running.catch(() => undefined);
        continue; // what it wrote may or may not cover us: look again, then write ourselves
      }
      await writeOnce();
    }
  };

  const close = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      await flush();
    } catch {
      log.error('AUDIT ENTRIES LOST at shutdown: the audit database is not writable', { lost: queue.length });
    } finally {
      closed = true;
      if (timer) clearTimeout(timer);
      if (ownPool) await pool.end().catch(() => undefined);
    }
  };

  return {
    append,
    flush,
    close,
    stats: () => ({ appended, written, dropped, buffered: queue.length, failures }),
  };
}

const isConnectionError = (err: unknown): boolean => {
  const code = (err as { code?: string }).code;
  return !code || code.startsWith('08') || code === '57P01' || code === 'ECONNRESET' || code === 'ECONNREFUSED';
};
