import { createHash } from 'node:crypto';
import { indexFacts, type CommitteeMemberFact } from './facts.js';
import { isActive, liveTenders } from './cardinal.js';
import type { Thresholds } from './params.js';
import { finding, type ProcurementRule } from './rule.js';
import { qualifyingWindows } from './windows.js';

interface Seat {
  ocid: string;
  month: string;
  regionCode: string;
  date: Date;
}

/**
 * A member across tenders: hospital staff by id, an outside expert (评标专家) by a digest of the name — the
 * finding (read by analysts too) never carries the name; who it is stays in the committee (Tender.committee).
 */
const memberKey = (m: CommitteeMemberFact): string | null =>
  m.staffId !== null
    ? `staff:${m.staffId}`
    : m.expertName !== null
      ? `expert:${createHash('sha256').update(m.expertName).digest('hex').slice(0, 16)}`
      : null;

/**
 * PROC_COMMITTEE_REPEAT — the same evaluation-committee member on ≥ N (3) tenders of one hospital won by
 * the same supplier within 365 days (OCP Red flags for integrity 2016, "same evaluator repeatedly awards the
 * same bidder"; 招标投标法实施条例 art. 46 — 评标委员会成员的确定应随机、回避; seed 000 关键岗位). The date is the award date.
 */
export const committeeRepeat: ProcurementRule<Thresholds<'PROC_COMMITTEE_REPEAT'>['params']> = {
  code: 'PROC_COMMITTEE_REPEAT',
  title: '同一评委多次评审同一供应商中标项目',
  source: 'OCP Red flags for integrity (2016); 招标投标法实施条例 第四十六条; seed 000',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const seats = new Map<string, Seat[]>();
    for (const tender of liveTenders(index)) {
      const awards = (index.awardsByOcid.get(tender.ocid) ?? []).filter(isActive);
      const date = tender.awardDate ?? awards.find((a) => a.date !== null)?.date ?? null;
      if (date === null) continue;
      const winners = new Set(awards.flatMap((a) => a.supplierUsccs));
      const members = new Set((index.committeeByOcid.get(tender.ocid) ?? []).map(memberKey).filter((k) => k !== null));
      for (const member of members)
        for (const uscc of winners) {
          const key = `${tender.hospitalCode}|${member}|${uscc}`;
          const list = seats.get(key) ?? [];
          list.push({ ocid: tender.ocid, month: tender.month, regionCode: tender.regionCode, date });
          seats.set(key, list);
        }
    }
    return [...seats].flatMap(([key, list]) => {
      const [hospitalCode, member, uscc] = key.split('|') as [string, string, string];
      return qualifyingWindows(
        list,
        (s) => s.date,
        params.windowDays,
        (w) => w.length >= params.minTenders,
      ).map((w) =>
        finding(
          committeeRepeat,
          version,
          { hospitalCode, regionCode: w[0]!.regionCode, month: w[w.length - 1]!.month },
          {
            subjectKey: `committee:${hospitalCode}:${member}:${uscc}:${w[0]!.ocid}`,
            refs: [
              ...w.map((s) => `Tender:${s.ocid}`),
              `Supplier:${uscc}`,
              ...(member.startsWith('staff:') ? [`Staff:${member.slice(6)}`] : []),
            ],
            evidence: {
              member,
              tenders: w.length,
              ocids: w.map((s) => s.ocid),
              minTenders: params.minTenders,
              windowDays: params.windowDays,
            },
            explanation: `同一评标委员会成员在 ${params.windowDays} 天内评审的 ${w.length} 个项目均由同一供应商中标（阈值 ${params.minTenders} 个）`,
          },
        ),
      );
    });
  },
};
