import type { FindingRow } from '../rules/finding.js';

/**
 * A stored finding (docs/architecture.md, "The domain contract" — Findings as records): a rule's
 * FindingRow (#platform/rules/finding.js) as every domain keeps it in its own schema's `finding`
 * table (store.ts) and serves it as its own GraphQL type implementing `Finding`.
 */
export interface FindingRecord extends FindingRow {
  id: string;
  computedAt: Date;
}

export type { FindingRow, Severity } from '../rules/finding.js';

/** The records of one type a finding refers to, by key (`Tender:<ocid>` → `<ocid>`). */
export const refsOfType = (refs: readonly string[], type: string): string[] =>
  refs.filter((r) => r.startsWith(`${type}:`)).map((r) => r.slice(type.length + 1));
