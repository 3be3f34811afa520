/**
 * A stored finding (docs/architecture.md, "The domain contract" — Findings as records): one rule's hit
 * on one subject, for one hospital and month. Every domain stores its findings in its own schema's
 * `finding` table (store.ts) and serves them as its own GraphQL type implementing `Finding`.
 */
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH';

/** What a rule produces (rules are pure: #platform/rules). */
export interface FindingRow {
  code: string;
  ruleVersion: string;
  severity: Severity;
  hospitalCode: string;
  regionCode: string;
  /** `YYYY-MM` (Asia/Shanghai). */
  month: string;
  /** Stable natural key of the subject (e.g. `tender:<ocid>`): recomputation is idempotent by (code, subjectKey). */
  subjectKey: string;
  /** Every record it is about, `Type:key` (Tender:<ocid>, Supplier:<uscc>, Staff:<id>, PurchaseOrder:<no>/<line>…). */
  refs: string[];
  evidence: Record<string, unknown>;
  /** Why, in Chinese, with the numbers. */
  explanation: string;
}

/** A finding as read back: its stable id and when it was computed. */
export interface FindingRecord extends FindingRow {
  id: string;
  computedAt: Date;
}

/** The `Type:key` reference of a record; the refs of a finding are these. */
export const refOf = (type: string, ...key: string[]): string => `${type}:${key.join('/')}`;

/** The records of one type a finding refers to, by key. */
export const refsOfType = (refs: readonly string[], type: string): string[] =>
  refs.filter((r) => r.startsWith(`${type}:`)).map((r) => r.slice(type.length + 1));
