import { percent } from '#platform/rules/finding.js';
import { groupBy, indexFacts, type TenderFact } from './facts.js';
import { isActive, liveTenders, submittedBids } from './cardinal.js';
import type { Thresholds } from './params.js';
import { CATEGORY_NAMES, finding, type ProcurementRule } from './rule.js';

interface Round {
  tender: TenderFact;
  winner: string;
  ring: string;
}

/**
 * PROC_BID_ROTATION — winner rotation (OCP *Red flags for integrity* 2016, "bid rotation / winner rotation";
 * OECD *Guidelines for Fighting Bid Rigging in Public Procurement* 2009/2025, "bid rotation"). Precisely:
 * take one hospital's tenders of one category in one calendar year (tender month) that have exactly one
 * active award to one supplier; a tender's ring is the exact set of its tenderers (submitted bids), kept
 * when 2 ≤ size ≤ maxGroupSize and the winner is in it. A ring is flagged when it bid together in
 * ≥ minTenders tenders, ≥ minDistinctWinners of its members won among them, and no member won more than
 * maxWinShare of them — the same few suppliers keep bidding together and take turns to win.
 */
export const bidRotation: ProcurementRule<Thresholds<'PROC_BID_ROTATION'>['params']> = {
  code: 'PROC_BID_ROTATION',
  title: '围标轮流中标',
  source: 'OCP Red flags for integrity (2016) winner rotation; OECD Guidelines for Fighting Bid Rigging in Public Procurement',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const rounds: Round[] = [];
    for (const tender of liveTenders(index)) {
      const awards = (index.awardsByOcid.get(tender.ocid) ?? []).filter(isActive);
      if (awards.length !== 1 || awards[0]!.supplierUsccs.length !== 1) continue;
      const winner = awards[0]!.supplierUsccs[0]!;
      const ring = [...new Set(submittedBids(index.bidsByOcid.get(tender.ocid) ?? []).flatMap((b) => b.tendererUsccs))].sort();
      if (ring.length < 2 || ring.length > params.maxGroupSize || !ring.includes(winner)) continue;
      rounds.push({ tender, winner, ring: ring.join(',') });
    }
    const groups = groupBy(rounds, (r) => `${r.tender.hospitalCode}|${r.tender.category}|${r.tender.month.slice(0, 4)}|${r.ring}`);
    return [...groups.values()].flatMap((group) => {
      if (group.length < params.minTenders) return [];
      const wins = new Map<string, number>();
      for (const r of group) wins.set(r.winner, (wins.get(r.winner) ?? 0) + 1);
      const topShare = Math.max(...wins.values()) / group.length;
      if (wins.size < params.minDistinctWinners || topShare > params.maxWinShare) return [];
      const { tender, ring } = group[0]!;
      const year = tender.month.slice(0, 4);
      const members = ring.split(',');
      const last = group.reduce((m, r) => (r.tender.month > m ? r.tender.month : m), tender.month);
      return [
        finding(
          bidRotation,
          version,
          { hospitalCode: tender.hospitalCode, regionCode: tender.regionCode, month: last },
          {
            subjectKey: `rotation:${tender.hospitalCode}:${tender.category}:${year}:${ring}`,
            refs: [...group.map((r) => `Tender:${r.tender.ocid}`), ...members.map((u) => `Supplier:${u}`)],
            evidence: { members, tenders: group.length, wins: Object.fromEntries(wins), topWinShare: topShare, ...params },
            explanation: `${members.length} 家供应商在本院 ${year} 年${CATEGORY_NAMES[tender.category]}类 ${group.length} 个项目中始终共同投标，${wins.size} 家轮流中标，单家最高中标占比 ${percent(topShare)}`,
          },
        ),
      ];
    });
  },
};
