import type { AuditEntryResolvers, AuditOperationType, AuditOutcome } from '../__generated__/resolvers-types.js';
import { canonicalJson } from '#common/audit/chain.js';

export const AuditEntry: AuditEntryResolvers = {
  seq: (e) => e.seq.toString(),
  roles: (e) => e.roles ?? [],
  operationType: (e) => (e.operationType ? (e.operationType.toUpperCase() as AuditOperationType) : null),
  hospitalCodes: (e) => e.hospitals ?? [],
  outcome: (e) => e.outcome.toUpperCase() as AuditOutcome,
  errorCodes: (e) => e.errorCodes ?? [],
  unmaskedFields: (e) => e.unmaskedFields ?? [],
  detail: (e) => (e.detail === null ? null : canonicalJson(e.detail)),
};
