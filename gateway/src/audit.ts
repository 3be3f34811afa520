import type { IncomingMessage } from 'node:http';
import { OperationTypeNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { AuditEntry } from '#common/audit/entry.js';
import type { AuditReport } from '#common/audit/report.js';
import type { Admitted, Refusal } from './admission.js';
import type { GatewayContext } from './context.js';

/** Where the gateway's audit entries go: the hash-chained store (audit/writer.ts) in every real deployment. */
export interface AuditSink {
  append(entry: AuditEntry): unknown;
  flush(): Promise<void>;
}

/** What the subgraphs reported a request touched (their `hubAudit` response extensions, merged). */
export class RequestAudit {
  readonly hospitals = new Set<string>();
  readonly unmasked = new Set<string>();
  records = 0;
  /** The request's own entry, once written (collapsed followers copy it). */
  entry?: AuditEntry;

  merge(report: Partial<AuditReport> | undefined): void {
    if (!report || typeof report !== 'object') return;
    if (Array.isArray(report.hospitals)) for (const h of report.hospitals) if (typeof h === 'string') this.hospitals.add(h);
    if (Array.isArray(report.unmasked)) for (const f of report.unmasked) if (typeof f === 'string') this.unmasked.add(f);
    if (typeof report.records === 'number' && report.records > 0) this.records += report.records;
  }
}

const base = (
  admitted: Partial<Admitted>,
  requestId: string,
): Pick<AuditEntry, 'time' | 'source' | 'requestId' | 'subject' | 'clientId' | 'roles' | 'ip'> => ({
  time: new Date(),
  source: 'gateway',
  requestId,
  subject: admitted.identity?.subject ?? null,
  clientId: admitted.identity?.clientId ?? null,
  roles: [...(admitted.identity?.roles ?? [])],
  ip: admitted.ip ?? null,
});

/** A request refused before GraphQL ran (401, 403, 429, 400 on the unmask reason…). */
export function refusedEntry(_req: IncomingMessage, refusal: Refusal, admitted: Partial<Admitted>, requestId: string): AuditEntry {
  return {
    ...base(admitted, requestId),
    operationType: null,
    operationName: null,
    operationHash: null,
    hospitals: [],
    records: 0,
    outcome: 'refused',
    status: refusal.status,
    errorCodes: [refusal.code],
    durationMs: admitted.started ? performance.now() - admitted.started : 0,
    unmaskReason: admitted.reason ?? null,
    unmaskedFields: [],
    detail: { reason: refusal.reason },
  };
}

/**
 * One audit entry per operation: who, from where, which operation (name and SHA-256 of the
 * document), the hospitals and records the subgraphs reported, outcome, duration, and any
 * unmasking with its reason. A mutation's entry is written before its response leaves.
 */
export function auditPlugin(sink: AuditSink): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: ctx, operation, operationName, queryHash, errors, response }) {
          const codes = [...new Set((errors ?? []).map((e) => errorCode(e.extensions?.code)))];
          const status = response.http.status ?? 200;
          const data = response.body.kind === 'single' ? response.body.singleResult.data : undefined;
          ctx.audit.entry = {
            ...base(ctx, ctx.requestId),
            operationType: operation?.operation ?? null,
            operationName: operationName ?? null,
            operationHash: queryHash ?? null,
            hospitals: [...ctx.audit.hospitals],
            records: ctx.audit.records,
            outcome: codes.length === 0 ? 'ok' : 'error',
            status,
            errorCodes: codes,
            durationMs: performance.now() - ctx.started,
            unmaskReason: ctx.reason,
            unmaskedFields: [...ctx.audit.unmasked],
            detail: codes.length && data ? { partial: true } : null,
          };
          sink.append(ctx.audit.entry);
          if (operation?.operation === OperationTypeNode.MUTATION) await sink.flush();
        },
      };
    },
  };
}

/**
 * The entry of a request answered with another's in-flight answer (collapsing, same scope): its
 * own who, where, when and duration; the leader's operation, hospitals, records and outcome; and
 * the leader's request id, so the audit trail shows which execution served it.
 */
export function followerEntry(
  leader: AuditEntry | undefined,
  admitted: Admitted,
  requestId: string,
  leaderRequestId: string,
  status: number,
): AuditEntry {
  const own = { ...base(admitted, requestId), durationMs: performance.now() - admitted.started, unmaskReason: admitted.reason };
  if (!leader) {
    return {
      ...own,
      operationType: null,
      operationName: null,
      operationHash: null,
      hospitals: [],
      records: 0,
      outcome: status < 400 ? 'ok' : 'error',
      status,
      errorCodes: [],
      unmaskedFields: [],
      detail: { sharedWith: leaderRequestId },
    };
  }
  return { ...leader, ...own, detail: { ...(leader.detail ?? {}), sharedWith: leaderRequestId } };
}

/** An error's code as the audit log records it: Apollo's string, or INTERNAL_SERVER_ERROR when there is none. */
const errorCode = (code: unknown): string => (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
