import { atOrAbove, atOrBelow } from '#platform/rules/fences.js';
import { percent, round4 } from '#platform/rules/finding.js';
import { indexFacts, type TenderFact } from './facts.js';
import { fenceEvidence, peerFences, secondLowestBidRatios, type SecondLowest } from './cardinal.js';
import type { Thresholds } from './params.js';
import { tenderFinding, type ProcurementRule } from './rule.js';

type Params = Thresholds<'R024'>['params'];

/**
 * R024 Price close to winning bid. Cardinal: the difference (second-lowest valid bid − winning bid) /
 * winning bid is ≤ the lower fence Q1 − 1.5·IQR of all processes' differences (or the configured
 * threshold), skipped unless Q1 > 0 and the fence > 0; the winner and the second-lowest bidder are flagged
 * too (docs/cli/indicators/R/024.md; src/indicators/r024.rs, src/indicators/util.rs `SecondLowestBidRatio`).
 */
export const r024: ProcurementRule<Params> = {
  code: 'R024',
  title: '中标价与次低价过于接近',
  source: 'Cardinal R024 (docs/cli/indicators/R/024.md, src/indicators/r024.rs, src/indicators/util.rs)',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const ratios = secondLowestBidRatios(index);
    const fences =
      params.threshold === null
        ? peerFences(
            [...ratios.values()].map((r) => r.ratio),
            params.skipWhenIqrZero,
          )
        : null;
    const lower = params.threshold ?? fences?.lower;
    const q1 = params.threshold === null ? fences?.q1 : 1; // Cardinal's dummy Q1 passes the guard for a configured threshold
    if (lower === undefined || q1 === undefined || !(q1 > 0 && lower > 0)) return [];
    return flagged(index.tenders, ratios, (r) => atOrBelow(r.ratio, lower)).map(([tender, r]) =>
      tenderFinding(r024, version, tender, {
        refs: [`Supplier:${r.winner}`, `Supplier:${r.second}`],
        evidence: { ...figures(r), lowerFence: round4(lower), fences: fenceEvidence(fences) },
        explanation: `次低有效报价仅比中标价高 ${percent(r.ratio)}，不高于同类项目下限 ${percent(lower)}`,
      }),
    );
  },
};

/**
 * R058 Heavily discounted bid. Cardinal: the R024 difference is ≥ the upper fence Q3 + 1.5·IQR (or the
 * configured threshold), skipped unless the fence > 0; the winner is flagged too
 * (docs/cli/indicators/R/058.md; src/indicators/r058.rs).
 */
export const r058: ProcurementRule<Thresholds<'R058'>['params']> = {
  code: 'R058',
  title: '中标价大幅低于次低价',
  source: 'Cardinal R058 (docs/cli/indicators/R/058.md, src/indicators/r058.rs, src/indicators/util.rs)',
  severity: 'LOW',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const ratios = secondLowestBidRatios(index);
    const fences =
      params.threshold === null
        ? peerFences(
            [...ratios.values()].map((r) => r.ratio),
            params.skipWhenIqrZero,
          )
        : null;
    const upper = params.threshold ?? fences?.upper;
    if (upper === undefined || !(upper > 0)) return [];
    return flagged(index.tenders, ratios, (r) => atOrAbove(r.ratio, upper)).map(([tender, r]) =>
      tenderFinding(r058, version, tender, {
        refs: [`Supplier:${r.winner}`],
        evidence: { ...figures(r), upperFence: round4(upper), fences: fenceEvidence(fences) },
        explanation: `次低有效报价比中标价高 ${percent(r.ratio)}，不低于同类项目上限 ${percent(upper)}，中标价大幅偏低`,
      }),
    );
  },
};

function flagged(
  tenders: readonly TenderFact[],
  ratios: Map<string, SecondLowest>,
  test: (r: SecondLowest) => boolean,
): [TenderFact, SecondLowest][] {
  const out: [TenderFact, SecondLowest][] = [];
  for (const tender of tenders) {
    const r = ratios.get(tender.ocid);
    if (r !== undefined && test(r)) out.push([tender, r]);
  }
  return out;
}

const figures = (r: SecondLowest) => ({
  difference: r.ratio,
  winner: r.winner,
  winningBid: r.winnerAmount,
  secondLowest: r.second,
  secondLowestBid: r.secondAmount,
});
