import type pg from 'pg';
import { DEFAULT_AUDIT_HASH, type AuditHashAlgorithm } from './chain.js';
import { appendChained, table, withChainLock, withPoolClient } from './store.js';

/** 网络安全法 art. 21: network logs are kept for no less than six months. */
export const AUDIT_RETENTION_MIN_DAYS = 180;

export interface PurgeOptions {
  /** Delete entries older than this many days (≥ retentionMinDays). */
  olderThanDays: number;
  /** Floor below which nothing is purged; never below 180 (the database trigger enforces 180 too). */
  retentionMinDays?: number;
  schema?: string;
  /** Algorithm of the purge's own 'maintenance' entry; default sm3. */
  algorithm?: AuditHashAlgorithm;
  /** Who runs it, for that entry (e.g. the OS user of the operator); default null. */
  subject?: string | null;
}

export interface PurgeResult {
  cutoff: Date;
  rowsPurged: number;
  /** The checkpoint written, or null when nothing was old enough. */
  checkpoint: { upToSeq: number; hash: string } | null;
  /** seq of the 'maintenance' entry recording this purge. */
  entrySeq: number;
}

export class AuditRetentionError extends RangeError {
  override name = 'AuditRetentionError';
}

/**
 * Delete the oldest part of the audit log, keeping it verifiable. In one transaction under the
 * chain lock, with `hub.audit_purge = on` (the trigger's permission, and only for rows older than
 * 180 days): the longest prefix of the chain whose rows are all older than the cutoff is deleted
 * (a newer row stops it: the chain can only be shortened from its start), a checkpoint keeps the
 * last deleted row's seq and hash (verification starts from it), and an entry records the purge.
 * Needs DELETE on audit.entry and INSERT on audit.checkpoint (administrator or the audit role).
 */
export async function purgeAudit(pool: pg.Pool | pg.ClientBase, opts: PurgeOptions): Promise<PurgeResult> {
  const floor = Math.max(AUDIT_RETENTION_MIN_DAYS, opts.retentionMinDays ?? AUDIT_RETENTION_MIN_DAYS);
  if (!Number.isFinite(opts.olderThanDays) || opts.olderThanDays < floor) {
    throw new AuditRetentionError(
      `audit entries are kept at least ${floor} days (网络安全法 art. 21): --older-than ${opts.olderThanDays} refused`,
    );
  }
  const schema = opts.schema ?? 'audit';
  const entry = table(schema, 'entry');
  const checkpointTable = table(schema, 'checkpoint');
  const started = performance.now();
  return withPoolClient(pool, (client) =>
    withChainLock(client, async () => {
      const {
        rows: [c],
      } = await client.query<{ cutoff: Date }>('SELECT now() - make_interval(days => $1::int) AS cutoff', [Math.floor(opts.olderThanDays)]);
      const cutoff = c!.cutoff;
      // first row (in chain order) that is not old enough: everything before it may go
      const stop = await client.query<{ seq: string }>(`SELECT seq::text AS seq FROM ${entry} t WHERE time >= $1 ORDER BY t.seq LIMIT 1`, [
        cutoff,
      ]);
      const bound = stop.rows[0]
        ? await client.query<{ seq: string | null; hash: string | null }>(
            `SELECT seq::text AS seq, hash FROM ${entry} t WHERE seq < $1::bigint ORDER BY t.seq DESC LIMIT 1`,
            [stop.rows[0].seq],
          )
        : await client.query<{ seq: string | null; hash: string | null }>(
            `SELECT seq::text AS seq, hash FROM ${entry} t ORDER BY t.seq DESC LIMIT 1`,
          );
      const last = bound.rows[0];
      let checkpoint: PurgeResult['checkpoint'] = null;
      let rowsPurged = 0;
      if (last?.seq && last.hash) {
        const deleted = await client.query(`DELETE FROM ${entry} WHERE seq <= $1::bigint`, [last.seq]);
        rowsPurged = deleted.rowCount ?? 0;
        checkpoint = { upToSeq: Number(last.seq), hash: last.hash };
        await client.query(`INSERT INTO ${checkpointTable} (up_to_seq, hash, purged_at, rows_purged) VALUES ($1::bigint, $2, now(), $3)`, [
          last.seq,
          last.hash,
          rowsPurged,
        ]);
      }
      const head = await appendChained(client, schema, opts.algorithm ?? DEFAULT_AUDIT_HASH, [
        {
          time: new Date(),
          source: 'audit',
          requestId: null,
          subject: opts.subject ?? null,
          clientId: null,
          roles: [],
          ip: null,
          operationType: 'maintenance',
          operationName: 'audit.purge',
          operationHash: null,
          hospitals: [],
          records: rowsPurged,
          outcome: 'ok',
          status: null,
          errorCodes: [],
          durationMs: performance.now() - started,
          unmaskReason: null,
          unmaskedFields: [],
          detail: { olderThanDays: opts.olderThanDays, cutoff: cutoff.toISOString(), rowsPurged, checkpoint },
        },
      ]);
      return { cutoff, rowsPurged, checkpoint, entrySeq: head.seq };
    }, ["SET LOCAL hub.audit_purge = 'on'"]),
  );
}
