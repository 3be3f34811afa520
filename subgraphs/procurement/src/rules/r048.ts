import { atOrAbove } from '#platform/rules/fences.js';
import { round4 } from '#platform/rules/finding.js';
import { indexFacts } from './facts.js';
import { fenceEvidence, isActive, liveTenders, peerFences } from './cardinal.js';
import type { Thresholds } from './params.js';
import { type ProcurementRule } from './rule.js';
import { tendererFindings } from './tenderers.js';

/**
 * R048 Heterogeneous supplier. Cardinal: per supplier of active single-supplier awards, the variety = the
 * number of distinct first-level classifications (first `digits` = 2 characters) awarded to it; among
 * suppliers awarded in ≥ 20 processes, flagged if its variety ≥ the upper fence Q3 + 1.5·IQR (or the
 * threshold) — Cardinal applies no other guard (docs/cli/indicators/R/048.md; src/indicators/r048.rs).
 * Our item classification is the tender's main-item `classification`.
 */
export const r048: ProcurementRule<Thresholds<'R048'>['params']> = {
  code: 'R048',
  title: '供应商经营品类异常庞杂',
  source: 'Cardinal R048 (docs/cli/indicators/R/048.md, src/indicators/r048.rs)',
  severity: 'LOW',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const suppliers = new Map<string, { processes: number; codes: Set<string> }>();
    for (const tender of liveTenders(index)) {
      if (tender.classification === null) continue;
      const seen = new Set<string>(); // a supplier counts once per process
      for (const award of index.awardsByOcid.get(tender.ocid) ?? []) {
        if (!isActive(award) || award.supplierUsccs.length !== 1) continue;
        const uscc = award.supplierUsccs[0]!;
        const s = suppliers.get(uscc) ?? { processes: 0, codes: new Set<string>() };
        if (!seen.has(uscc)) s.processes += 1;
        seen.add(uscc);
        s.codes.add(tender.classification.slice(0, params.digits));
        suppliers.set(uscc, s);
      }
    }
    const kept = [...suppliers].filter(([, s]) => s.processes >= params.minimumContractingProcesses);
    const fences =
      params.threshold === null
        ? peerFences(
            kept.map(([, s]) => s.codes.size),
            params.skipWhenIqrZero,
          )
        : null;
    const upper = params.threshold ?? fences?.upper;
    if (upper === undefined) return [];
    return kept.flatMap(([uscc, s]) =>
      atOrAbove(s.codes.size, upper)
        ? tendererFindings(r048, version, index, uscc, {
            evidence: {
              variety: s.codes.size,
              classifications: [...s.codes].sort(),
              processes: s.processes,
              upperFence: round4(upper),
              fences: fenceEvidence(fences),
            },
            explanation: `该供应商在 ${s.processes} 个项目中中标 ${s.codes.size} 个大类的品目，不低于同类上限 ${round4(upper)} 类`,
          })
        : [],
    );
  },
};
