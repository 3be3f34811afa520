import { atOrAbove, atOrBelow, percentile } from '#platform/rules/fences.js';
import { percent, round4 } from '#platform/rules/finding.js';
import { indexFacts } from './facts.js';
import { fenceEvidence, isValid, liveTenders, peerFences, singleWinner } from './cardinal.js';
import type { Thresholds } from './params.js';
import { type ProcurementRule } from './rule.js';
import { tendererFindings } from './tenderers.js';

/**
 * R025 Excessive unsuccessful bids. Cardinal: per tenderer, ratio = processes won / processes with a valid
 * bid (each tenderer counted once per process; processes with one complete award to one supplier; valid
 * bids with one tenderer). Flagged if its valid-bid count ≥ the 75th percentile of counts (a top tenderer)
 * and its ratio ≤ the lower fence Q1 − 1.5·IQR of ratios (or the threshold), skipped unless Q1 > 0 and the
 * fence > 0 (docs/cli/indicators/R/025.md; src/indicators/r025.rs). One finding per buyer it bid at (tenderers.ts).
 */
export const r025: ProcurementRule<Thresholds<'R025'>['params']> = {
  code: 'R025',
  title: '投标屡投不中（陪标嫌疑）',
  source: 'Cardinal R025 (docs/cli/indicators/R/025.md, src/indicators/r025.rs)',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const tally = new Map<string, { wins: number; bids: number }>();
    for (const tender of liveTenders(index)) {
      const bids = index.bidsByOcid.get(tender.ocid) ?? [];
      const winner = singleWinner(index.awardsByOcid.get(tender.ocid) ?? [], bids);
      if (winner === null) continue;
      const valid = new Set(bids.filter((b) => isValid(b) && b.tendererUsccs.length === 1).map((b) => b.tendererUsccs[0]!));
      for (const uscc of valid) {
        const t = tally.get(uscc) ?? { wins: 0, bids: 0 };
        t.bids += 1;
        t.wins += uscc === winner ? 1 : 0;
        tally.set(uscc, t);
      }
    }
    const counts = [...tally.values()];
    const topCut = percentile(
      counts.map((t) => t.bids),
      params.percentile,
    );
    const fences =
      params.threshold === null
        ? peerFences(
            counts.map((t) => t.wins / t.bids),
            params.skipWhenIqrZero,
          )
        : null;
    const lower = params.threshold ?? fences?.lower;
    const q1 = params.threshold === null ? fences?.q1 : 1; // Cardinal's dummy Q1 for a configured threshold
    if (lower === undefined || q1 === undefined || !(q1 > 0 && lower > 0)) return [];
    return [...tally].flatMap(([uscc, t]) => {
      const ratio = t.wins / t.bids;
      if (!atOrAbove(t.bids, topCut) || !atOrBelow(ratio, lower)) return [];
      return tendererFindings(r025, version, index, uscc, {
        evidence: {
          ratio,
          wins: t.wins,
          validBids: t.bids,
          topTendererCut: round4(topCut),
          lowerFence: round4(lower),
          fences: fenceEvidence(fences),
        },
        explanation: `该供应商参与 ${t.bids} 个项目仅中标 ${t.wins} 个（中标率 ${percent(ratio)}），投标数居前且中标率不高于下限 ${percent(lower)}`,
      });
    });
  },
};
