import { atOrAbove } from '#platform/rules/fences.js';
import type { FindingRow } from '#platform/rules/finding.js';
import { percent, round4 } from '#platform/rules/finding.js';
import { indexFacts } from './facts.js';
import { fenceEvidence, isDisqualified, liveTenders, peerFences, submittedBids } from './cardinal.js';
import type { Thresholds } from './params.js';
import { finding, type ProcurementRule } from './rule.js';
import { tendererFindings } from './tenderers.js';

type Params = Thresholds<'R038'>['params'];

interface Tally {
  disqualified: number;
  submitted: number;
  processes: number;
}

interface BuyerTally extends Tally {
  regionCode: string;
  month: string;
  ocids: string[];
}

/**
 * R038 Excessive disqualified bids. Cardinal: per buyer, disqualified / submitted bids across its
 * processes; per tenderer, its disqualified / submitted bids; flagged if ≥ the upper fence Q3 + 1.5·IQR of
 * that group's ratios (or the threshold), skipped unless the fence > 0. Tenderers with < 2 submitted bids and
 * buyers below the process minimum (2) are left out of the distribution — Cardinal's source compares that
 * minimum with the buyer's submitted bids, its documentation with processes (`buyerMinimumCounts`)
 * (docs/cli/indicators/R/038.md; src/indicators/r038.rs). Procuring entity = buyer here (hospitals buy for themselves).
 */
export const r038: ProcurementRule<Params> = {
  code: 'R038',
  title: '废标比例异常',
  source: 'Cardinal R038 (docs/cli/indicators/R/038.md, src/indicators/r038.rs)',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const buyers = new Map<string, BuyerTally>();
    const tenderers = new Map<string, Tally>();
    for (const tender of liveTenders(index)) {
      const submitted = submittedBids(index.bidsByOcid.get(tender.ocid) ?? []);
      if (submitted.length === 0) continue;
      let disqualified = 0;
      for (const bid of submitted) {
        const d = isDisqualified(bid) ? 1 : 0;
        disqualified += d;
        for (const uscc of bid.tendererUsccs) add(tenderers, uscc, { disqualified: d, submitted: 1, processes: 0 });
      }
      const buyer = buyers.get(tender.hospitalCode) ?? {
        disqualified: 0,
        submitted: 0,
        processes: 0,
        regionCode: tender.regionCode,
        month: tender.month,
        ocids: [],
      };
      buyer.disqualified += disqualified;
      buyer.submitted += submitted.length;
      buyer.processes += 1;
      if (tender.month > buyer.month) buyer.month = tender.month;
      if (disqualified > 0) buyer.ocids.push(tender.ocid);
      buyers.set(tender.hospitalCode, buyer);
    }
    const buyerBasis = (t: Tally) => (params.buyerMinimumCounts === 'processes' ? t.processes : t.submitted);
    const flaggedBuyers = outliers(buyers, (t) => buyerBasis(t) >= params.minimumContractingProcesses, params);
    const flaggedTenderers = outliers(tenderers, (t) => t.submitted >= params.minimumSubmittedBids, params);
    const rows: FindingRow[] = [];
    for (const { id, tally, ratio, upper, fences } of flaggedBuyers) {
      const buyer = tally;
      rows.push(
        finding(
          r038,
          version,
          { hospitalCode: id, regionCode: buyer.regionCode, month: buyer.month },
          {
            subjectKey: `buyer:${id}`,
            refs: buyer.ocids.map((ocid) => `Tender:${ocid}`),
            evidence: {
              group: 'buyer',
              ratio,
              disqualified: buyer.disqualified,
              submitted: buyer.submitted,
              processes: buyer.processes,
              upperFence: round4(upper),
              fences,
            },
            explanation: `本院 ${buyer.processes} 个项目收到 ${buyer.submitted} 份投标，废标 ${buyer.disqualified} 份（${percent(ratio)}），不低于同类上限 ${percent(upper)}`,
          },
        ),
      );
    }
    for (const { id, tally, ratio, upper, fences } of flaggedTenderers) {
      rows.push(
        ...tendererFindings(r038, version, index, id, {
          evidence: {
            group: 'tenderer',
            ratio,
            disqualified: tally.disqualified,
            submitted: tally.submitted,
            upperFence: round4(upper),
            fences,
          },
          explanation: `该供应商提交 ${tally.submitted} 份投标，被废标 ${tally.disqualified} 份（${percent(ratio)}），不低于同类上限 ${percent(upper)}`,
        }),
      );
    }
    return rows;
  },
};

function add(map: Map<string, Tally>, key: string, delta: Tally): void {
  const t = map.get(key) ?? { disqualified: 0, submitted: 0, processes: 0 };
  t.disqualified += delta.disqualified;
  t.submitted += delta.submitted;
  map.set(key, t);
}

function outliers<T extends Tally>(tallies: Map<string, T>, eligible: (t: T) => boolean, params: Params) {
  const kept = [...tallies]
    .filter(([, t]) => eligible(t))
    .map(([id, tally]) => ({ id, tally, ratio: tally.disqualified / tally.submitted }));
  if (kept.length === 0) return [];
  const fences =
    params.threshold === null
      ? peerFences(
          kept.map((k) => k.ratio),
          params.skipWhenIqrZero,
        )
      : null;
  const upper = params.threshold ?? fences?.upper;
  if (upper === undefined || !(upper > 0)) return [];
  return kept.filter((k) => atOrAbove(k.ratio, upper)).map((k) => ({ ...k, upper, fences: fenceEvidence(fences) }));
}
