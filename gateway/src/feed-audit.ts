import type { AuditEntry, AuditOutcome } from '#common/audit/entry.js';
import type { Identity } from '#common/identity.js';
import type { RunSummary } from '#platform/feed/types.js';

/** What the gateway knows of a feed request as it goes (feeds.ts); its audit entry is built from it. */
export interface FeedAttempt {
  requestId: string;
  started: number;
  ip: string | null;
  /** Once the token is verified. */
  identity: Identity | null;
  /** Once the path is understood. */
  feed: { subgraph: string; kind: string } | null;
}

/** The gateway's own decision (a refusal, a cut body, an unreachable subgraph), or the subgraph's answer. */
export type FeedResult =
  | { outcome: AuditOutcome; status: number | null; errorCodes: string[]; detail: Record<string, unknown> | null }
  | { status: number; answer: unknown };

const isSummary = (value: unknown): value is RunSummary =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as RunSummary).runId === 'string' &&
  typeof (value as RunSummary).status === 'string';

/**
 * One audit entry per feed request (docs/identity.md, "Audit log"): operation type `feed`, name
 * `feed:<subgraph>/<kind>`, the caller, and for a run its id, status and counts in `detail`;
 * records = rows inserted plus updated (what the run wrote).
 */
export function feedAuditEntry(attempt: FeedAttempt, result: FeedResult): AuditEntry {
  const { identity, feed } = attempt;
  const decided = 'answer' in result ? fromAnswer(result.status, result.answer) : { ...result, records: 0 };
  return {
    time: new Date(),
    source: 'gateway',
    requestId: attempt.requestId,
    subject: identity?.subject ?? null,
    clientId: identity?.clientId ?? null,
    roles: [...(identity?.roles ?? [])],
    ip: attempt.ip,
    operationType: 'feed',
    operationName: feed ? `feed:${feed.subgraph}/${feed.kind}` : null,
    operationHash: null,
    hospitals: [],
    records: decided.records,
    outcome: decided.outcome,
    status: decided.status,
    errorCodes: decided.errorCodes,
    durationMs: performance.now() - attempt.started,
    unmaskReason: null,
    unmaskedFields: [],
    detail: decided.detail,
  };
}

function fromAnswer(status: number, answer: unknown) {
  if (isSummary(answer)) {
    const { runId, status: runStatus, source, read, inserted, updated, unchanged, rejected, error } = answer;
    return {
      outcome: (status < 400 ? 'ok' : 'error') as AuditOutcome,
      status,
      errorCodes: error?.code ? [error.code] : [],
      records: (inserted ?? 0) + (updated ?? 0),
      detail: { runId, runStatus, source, read, inserted, updated, unchanged, rejected, ...(error ? { error } : {}) },
    };
  }
  // The subgraph refused it (unknown kind, a format the kind does not take…): its error body.
  const code = (answer as { code?: unknown } | null)?.code;
  return {
    outcome: (status < 500 ? 'refused' : 'error') as AuditOutcome,
    status,
    errorCodes: [typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR'],
    records: 0,
    detail: { answer },
  };
}
