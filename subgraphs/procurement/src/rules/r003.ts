import { wholeDays } from '#platform/rules/finding.js';
import { indexFacts } from './facts.js';
import { liveTenders } from './cardinal.js';
import type { Thresholds } from './params.js';
import { METHOD_NAMES, tenderFinding, type ProcurementRule } from './rule.js';

type Params = Thresholds<'R003'>['params'];

/**
 * R003 Short submission period. Cardinal: the submission period (tenderPeriod end − start, in whole days)
 * is shorter than the threshold (default 15), per procurementMethodDetails if configured, for the listed
 * procurement methods (docs/cli/indicators/R/003.md; src/indicators/r003.rs). National rule (CN-2025.1):
 * 招标投标法 art. 24 — ≥ 20 days for 公开招标 / 邀请招标; the other 采购方式 per thresholds.ts.
 */
export const r003: ProcurementRule<Params> = {
  code: 'R003',
  title: '投标期过短',
  source: 'Cardinal R003 (docs/cli/indicators/R/003.md, src/indicators/r003.rs); 招标投标法 第二十四条',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    return liveTenders(indexFacts(facts)).flatMap((tender) => {
      if (params.procurementMethods.length > 0 && !params.procurementMethods.includes(tender.ocdsMethod)) return [];
      if (tender.tenderStart === null || tender.tenderEnd === null) return [];
      const limit = threshold(params, tender.methodDetails, tender.method);
      const days = wholeDays(tender.tenderStart, tender.tenderEnd);
      if (limit === null || days >= limit.days) return [];
      return [
        tenderFinding(r003, version, tender, {
          refs: [],
          evidence: {
            days,
            threshold: limit.days,
            thresholdBasis: limit.basis,
            tenderStart: tender.tenderStart,
            tenderEnd: tender.tenderEnd,
          },
          explanation: `投标截止距公告仅 ${days} 天，低于${limit.label} ${limit.days} 天`,
        }),
      ];
    });
  },
};

function threshold(params: Params, details: string | null, method: string): { days: number; basis: string; label: string } | null {
  const byDetails = details === null ? undefined : params.byMethodDetails[details];
  if (byDetails !== undefined) return { days: byDetails, basis: `methodDetails:${details}`, label: `${details}规定` };
  const byMethod = params.byMethod[method];
  if (byMethod !== undefined) return { days: byMethod, basis: `method:${method}`, label: `${METHOD_NAMES[method] ?? method}法定` };
  return params.thresholdDays === null ? null : { days: params.thresholdDays, basis: 'default', label: '阈值' };
}
