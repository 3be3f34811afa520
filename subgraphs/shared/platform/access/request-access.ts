import { hasRole, type Identity } from '#common/identity.js';
import { rowScope, type RowScope } from './scope.js';
import type { AuditReport } from '#common/audit/report.js';

/**
 * One request's access state in a subgraph: who (vouched by the gateway), their row scope, the
 * stated unmask reason, and what the response touched — reported back to the gateway in the
 * `hubAudit` response extension for the audit log.
 */
export class RequestAccess {
  readonly scope: RowScope;
  readonly hospitals = new Set<string>();
  readonly unmasked = new Set<string>();
  records = 0;

  constructor(
    readonly identity: Identity,
    readonly reason: string | null,
  ) {
    this.scope = rowScope(identity);
  }

  hasRole(roles: readonly string[]): boolean {
    return hasRole(this.identity, roles);
  }

  touched(hospitalCode: unknown): void {
    this.records++;
    if (typeof hospitalCode === 'string') this.hospitals.add(hospitalCode);
  }

  /** What the gateway's audit entry needs from this subgraph, or undefined when nothing was touched. */
  report(): AuditReport | undefined {
    if (this.records === 0 && this.unmasked.size === 0) return undefined;
    return { hospitals: [...this.hospitals], records: this.records, unmasked: [...this.unmasked] };
  }
}
