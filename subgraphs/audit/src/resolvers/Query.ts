import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';
import { verifyAuditChain } from '#common/audit/verify.js';

const PROBLEMS = {
  'hash mismatch': 'HASH_MISMATCH',
  gap: 'GAP',
  'broken link': 'BROKEN_LINK',
  'checkpoint mismatch': 'CHECKPOINT_MISMATCH',
} as const;

export const Query: QueryResolvers = {
  auditLog: (_, { filter, ...page }, { repo }) => repo.findEntries(filter, parsePage(page)),
  auditChain: async (_, __, { pool }) => {
    const result = await verifyAuditChain(pool, 'audit');
    const checkpointSeq = result.checkpoint ? String(result.checkpoint.upToSeq) : null;
    if (result.ok) {
      return {
        ok: true,
        rows: result.rows,
        headSeq: result.head ? String(result.head.seq) : null,
        headHash: result.head?.hash ?? null,
        checkpointSeq,
        firstBadSeq: null,
        problem: null,
        checkedAt: new Date(),
      };
    }
    return {
      ok: false,
      rows: result.rows,
      headSeq: null,
      headHash: null,
      checkpointSeq,
      firstBadSeq: String(result.firstBadSeq),
      problem: PROBLEMS[result.problem],
      checkedAt: new Date(),
    };
  },
};
