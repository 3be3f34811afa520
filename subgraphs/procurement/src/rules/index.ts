/**
 * The procurement red flags (issue 10 "Red flags"; DOMAIN.md "Procurement red flags"): Cardinal's
 * indicators our data supports, with Cardinal's definitions, and the hub's own. `evaluateAll` runs every
 * rule over one scope's facts with thresholds from `resolveThresholds(procurementThresholds, …)`.
 */
import type { FindingRow } from '#platform/rules/finding.js';
import type { ResolvedThresholds } from '#platform/rules/thresholds.js';
import type { ProcurementFacts } from './facts.js';
import type { ProcurementRule } from './rule.js';
import type { ProcurementThresholds } from './thresholds.js';
import { r003 } from './r003.js';
import { r018 } from './r018.js';
import { r024, r058 } from './price-ratio.js';
import { r025 } from './r025.js';
import { r028, r030, r035, r036 } from './bids.js';
import { r038 } from './r038.js';
import { r044 } from './r044.js';
import { r048 } from './r048.js';
import { r055 } from './r055.js';
import { awardAtBudget, decisionPeriod, methodThreshold, newSupplier } from './awards.js';
import { sanctionedSupplier } from './sanctions.js';
import { aboveListedPrice, invoiceChain, vbpShortfall, vbpSubstitution } from './orders.js';
import { committeeRepeat } from './committee.js';
import { bidRotation } from './rotation.js';

export type { ProcurementRule } from './rule.js';
export type { ProcurementFacts } from './facts.js';
export { procurementThresholds, type ProcurementThresholds } from './thresholds.js';

export type ProcurementRuleCode = keyof ProcurementThresholds['rules'];

/** Every rule, in report order. Each code has a row in the threshold table (checked by the tests). */
export const procurementRules: readonly ProcurementRule<never>[] = [
  r003,
  r018,
  r024,
  r025,
  r028,
  r030,
  r035,
  r036,
  r038,
  r044,
  r048,
  r055,
  r058,
  awardAtBudget,
  decisionPeriod,
  newSupplier,
  aboveListedPrice,
  vbpSubstitution,
  vbpShortfall,
  methodThreshold,
  sanctionedSupplier,
  invoiceChain,
  committeeRepeat,
  bidRotation,
] as ProcurementRule<never>[];

/** All findings for the facts; `only` restricts to some codes. Findings are unique by (code, subjectKey). */
export function evaluateAll(
  facts: ProcurementFacts,
  resolved: ResolvedThresholds<ProcurementThresholds['rules']>,
  only?: readonly string[],
): FindingRow[] {
  const byCode = resolved as unknown as Record<string, { version: string; params: never }>;
  return procurementRules
    .filter((rule) => only === undefined || only.includes(rule.code))
    .flatMap((rule) => {
      const thresholds = byCode[rule.code];
      if (thresholds === undefined) throw new Error(`no thresholds resolved for ${rule.code}`);
      return rule.evaluate(facts, thresholds);
    });
}
