/**
 * What a subgraph tells the gateway a response touched, for the request's audit entry: the
 * hospitals whose rows it returned, how many such records, and which personal fields it unmasked.
 * It travels in the `hubAudit` response extension and is stripped at the gateway.
 */
export interface AuditReport {
  hospitals: string[];
  records: number;
  unmasked: string[];
}

/** Response extension carrying a subgraph's AuditReport to the gateway (stripped there). */
export const AUDIT_EXTENSION = 'hubAudit';
