import { yuan } from '#platform/rules/finding.js';
import { groupBy, indexFacts, type AwardFact, type TenderFact } from './facts.js';
import { isActive, liveTenders } from './cardinal.js';
import type { Thresholds } from './params.js';
import { CATEGORY_NAMES, finding, type ProcurementRule } from './rule.js';
import { qualifyingWindows } from './windows.js';

interface Item {
  tender: TenderFact;
  award: AwardFact;
  uscc: string;
  value: number;
  date: Date;
}

/**
 * R055 Contract splitting — not implemented by Cardinal (its repository has no R055); definition per
 * DOMAIN.md "Procurement red flags": per buyer–supplier (and category), awards of non-open procedures, each
 * below the value where 公开招标 is required, that within 365 days sum to ≥ that value (政府采购法实施条例
 * art. 28: 化整为零规避公开招标). Awards at or above it alone are PROC_METHOD_THRESHOLD's.
 */
export const r055: ProcurementRule<Thresholds<'R055'>['params']> = {
  code: 'R055',
  title: '化整为零规避招标',
  source: 'DOMAIN.md R055 (OCP Red flags for integrity 2016, contract splitting; not in cardinal-rs); 政府采购法实施条例 第二十八条',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const items: Item[] = [];
    for (const tender of liveTenders(index)) {
      if (!params.ocdsMethods.includes(tender.ocdsMethod)) continue;
      const limit = params.thresholdByCategory[tender.category];
      for (const award of index.awardsByOcid.get(tender.ocid) ?? []) {
        const date = award.date ?? tender.awardDate;
        if (!isActive(award) || award.value === null || date === null || award.value >= limit) continue;
        for (const uscc of award.supplierUsccs) items.push({ tender, award, uscc, value: award.value, date });
      }
    }
    const groups = groupBy(items, (i) => `${i.tender.hospitalCode}|${i.uscc}|${i.tender.category}`);
    return [...groups.values()].flatMap((group) => {
      const { tender: first, uscc } = group[0]!;
      const limit = params.thresholdByCategory[first.category];
      const windows = qualifyingWindows(
        group,
        (i) => i.date,
        params.windowDays,
        (w) => w.length >= 2 && sum(w) >= limit,
      );
      return windows.map((w) =>
        finding(
          r055,
          version,
          { hospitalCode: first.hospitalCode, regionCode: first.regionCode, month: w[0]!.award.month },
          {
            subjectKey: `split:${first.hospitalCode}:${uscc}:${first.category}:${w[0]!.tender.ocid}`,
            refs: [...new Set(w.map((i) => `Tender:${i.tender.ocid}`)), `Supplier:${uscc}`],
            evidence: {
              total: sum(w),
              threshold: limit,
              awards: w.map((i) => ({ ocid: i.tender.ocid, value: i.value, date: i.date })),
              windowDays: params.windowDays,
            },
            explanation: `${params.windowDays} 天内向同一供应商非公开采购${CATEGORY_NAMES[first.category]} ${w.length} 次，合计 ${yuan(sum(w))}，达到公开招标数额标准 ${yuan(limit)}`,
          },
        ),
      );
    });
  },
};

const sum = (items: readonly Item[]) => items.reduce((s, i) => s + i.value, 0);
