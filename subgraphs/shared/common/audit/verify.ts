import type pg from 'pg';
import { GENESIS_HASH, hashEntry, isAuditHashAlgorithm } from './chain.js';
import { ENTRY_SELECT, entryOfRow, latestCheckpoint, table, withPoolClient, type EntryRow } from './store.js';

export type AuditChainProblem = 'hash mismatch' | 'gap' | 'broken link' | 'checkpoint mismatch';

export type AuditChainResult =
  | { ok: true; rows: number; head: { seq: number; hash: string } | null; checkpoint: { upToSeq: number; hash: string } | null }
  | { ok: false; rows: number; firstBadSeq: number; problem: AuditChainProblem; checkpoint: { upToSeq: number; hash: string } | null };

export interface VerifyOptions {
  /** Rows per page (keyset by seq); default 5,000. */
  pageSize?: number;
}

/**
 * Recompute the whole chain, page by page, in one REPEATABLE READ snapshot (a purge or writers
 * running meanwhile cannot make a sound chain look broken). It starts at the latest purge
 * checkpoint (or genesis) and finds:
 * - 'checkpoint mismatch': the first remaining row is not the one right after the checkpoint
 *   (rows deleted from the head of the chain, or a checkpoint that does not belong);
 * - 'gap': a seq is missing (firstBadSeq = the missing one);
 * - 'broken link': a row's prev_hash is not its predecessor's hash;
 * - 'hash mismatch': a row's content does not give its stored hash (altered; also an unknown alg).
 * `head` is null for an empty log. `pool` needs SELECT on the entry and checkpoint tables.
 */
export async function verifyAuditChain(
  pool: pg.Pool | pg.ClientBase,
  schema = 'audit',
  opts: VerifyOptions = {},
): Promise<AuditChainResult> {
  const pageSize = Math.max(1, opts.pageSize ?? 5_000);
  const entry = table(schema, 'entry');
  return withPoolClient(pool, async (client) => {
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const cp = await latestCheckpoint(client, schema);
      const checkpoint = cp ? { upToSeq: cp.upToSeq, hash: cp.hash } : null;
      let expectedSeq = (cp?.upToSeq ?? 0) + 1;
      let prevHash = cp?.hash ?? GENESIS_HASH;
      let rows = 0;
      let first = true;
      const fail = (firstBadSeq: number, problem: AuditChainProblem): AuditChainResult => ({
        ok: false,
        rows,
        firstBadSeq,
        problem,
        checkpoint,
      });

      for (;;) {
        const page = await client.query<EntryRow>(
          `SELECT ${ENTRY_SELECT} FROM ${entry} t WHERE seq >= $1::bigint ORDER BY t.seq LIMIT $2`,
          [String(expectedSeq), pageSize],
        );
        for (const row of page.rows) {
          const seq = Number(row.seq);
          if (first && cp && (seq !== expectedSeq || row.prev_hash !== prevHash)) return fail(expectedSeq, 'checkpoint mismatch');
          first = false;
          if (seq !== expectedSeq) return fail(expectedSeq, 'gap');
          if (row.prev_hash !== prevHash) return fail(seq, 'broken link');
          if (!isAuditHashAlgorithm(row.alg) || hashEntry(row.alg, row.prev_hash, seq, entryOfRow(row)) !== row.hash)
            return fail(seq, 'hash mismatch');
          prevHash = row.hash;
          expectedSeq = seq + 1;
          rows += 1;
        }
        if (page.rows.length < pageSize) break;
      }
      // Rows at or below the checkpoint that are still there were never purged: a forged checkpoint.
      if (cp) {
        const below = await client.query(`SELECT 1 FROM ${entry} WHERE seq <= $1::bigint LIMIT 1`, [String(cp.upToSeq)]);
        if (below.rowCount) return fail(cp.upToSeq, 'checkpoint mismatch');
      }
      if (rows === 0 && cp) {
        // everything after the checkpoint is gone: a purge always leaves its own entry behind it
        return fail(cp.upToSeq + 1, 'checkpoint mismatch');
      }
      return { ok: true, rows, head: rows ? { seq: expectedSeq - 1, hash: prevHash } : null, checkpoint };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
