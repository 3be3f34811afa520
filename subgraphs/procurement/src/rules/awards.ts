import { percent, shanghaiDate, wholeDays, yuan } from '#platform/rules/finding.js';
import { indexFacts, type AwardFact, type SupplierSanctionFact, type TenderFact } from './facts.js';
import { isActive, liveTenders } from './cardinal.js';
import type { Thresholds } from './params.js';
import { finding, METHOD_NAMES, tenderFinding, type ProcurementRule } from './rule.js';

const activeAwards = (awards: readonly AwardFact[] | undefined) => (awards ?? []).filter(isActive);
const awardedValue = (awards: readonly AwardFact[]) => awards.reduce((s, a) => s + (a.value ?? 0), 0);
const awardScope = (a: AwardFact) => ({ hospitalCode: a.hospitalCode, regionCode: a.regionCode, month: a.month });

/**
 * PROC_AWARD_AT_BUDGET — the awarded value is at or above the budget (OCP Red flags for integrity 2016,
 * "contract value at or above the estimate": a price set to the leaked budget). Sum of active awards ≥ ratio × budget.
 */
export const awardAtBudget: ProcurementRule<Thresholds<'PROC_AWARD_AT_BUDGET'>['params']> = {
  code: 'PROC_AWARD_AT_BUDGET',
  title: '中标金额达到或超过预算',
  source: 'OCP Red flags for integrity (2016): award value at or above the estimated budget',
  severity: 'LOW',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      const awards = activeAwards(index.awardsByOcid.get(tender.ocid)).filter((a) => a.value !== null);
      if (tender.budget === null || tender.budget <= 0 || awards.length === 0) return [];
      const value = awardedValue(awards);
      if (value < params.ratio * tender.budget) return [];
      return [
        tenderFinding(awardAtBudget, version, tender, {
          refs: [...new Set(awards.flatMap((a) => a.supplierUsccs))].map((u) => `Supplier:${u}`),
          evidence: { awarded: value, budget: tender.budget, ratio: value / tender.budget, threshold: params.ratio },
          explanation: `中标金额 ${yuan(value)} 达到预算 ${yuan(tender.budget)} 的 ${percent(value / tender.budget)}`,
        }),
      ];
    });
  },
};

const decisionDate = (tender: TenderFact, awards: readonly AwardFact[]): Date | null =>
  tender.awardDate ?? awards.reduce<Date | null>((min, a) => (a.date !== null && (min === null || a.date < min) ? a.date : min), null);

/**
 * PROC_DECISION_PERIOD — bid deadline → award decision < 5 or > 100 days (Fazekas, Tóth & King, "An
 * objective corruption risk index using public procurement data", Eur. J. Crim. Policy Res. 2016;
 * DIGIWHIST / opentender.eu "decision period"). Whole days, as R003.
 */
export const decisionPeriod: ProcurementRule<Thresholds<'PROC_DECISION_PERIOD'>['params']> = {
  code: 'PROC_DECISION_PERIOD',
  title: '定标期异常',
  source: 'Fazekas et al. 2016 corruption risk index; DIGIWHIST / opentender.eu decision period',
  severity: 'LOW',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      const awards = activeAwards(index.awardsByOcid.get(tender.ocid));
      const decided = awards.length === 0 ? null : decisionDate(tender, awards);
      if (tender.tenderEnd === null || decided === null) return [];
      const days = wholeDays(tender.tenderEnd, decided);
      if (days >= params.minDays && days <= params.maxDays) return [];
      const explanation =
        days < params.minDays
          ? `投标截止至定标仅 ${days} 天，短于 ${params.minDays} 天`
          : `投标截止至定标长达 ${days} 天，超过 ${params.maxDays} 天`;
      return [
        tenderFinding(decisionPeriod, version, tender, {
          refs: [],
          evidence: { days, minDays: params.minDays, maxDays: params.maxDays, decided },
          explanation,
        }),
      ];
    });
  },
};

/**
 * PROC_NEW_SUPPLIER — the winner was registered (成立日期) < 365 days before the award (DIGIWHIST /
 * opentender.eu "new company"; Fazekas et al. 2016). Per active award.
 */
export const newSupplier: ProcurementRule<Thresholds<'PROC_NEW_SUPPLIER'>['params']> = {
  code: 'PROC_NEW_SUPPLIER',
  title: '新成立企业中标',
  source: 'DIGIWHIST / opentender.eu new company indicator; Fazekas et al. 2016',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    return facts.awards.flatMap((award) => {
      if (!isActive(award) || award.date === null || award.supplierRegisteredOn === null) return [];
      const age = wholeDays(award.supplierRegisteredOn, award.date);
      if (age >= params.minAgeDays) return [];
      return [
        finding(newSupplier, version, awardScope(award), {
          subjectKey: `award:${award.ocid}/${award.awardId}`,
          refs: [`Tender:${award.ocid}`, ...award.supplierUsccs.map((u) => `Supplier:${u}`)],
          evidence: {
            ageDays: age,
            registeredOn: shanghaiDate(award.supplierRegisteredOn),
            awardDate: award.date,
            minAgeDays: params.minAgeDays,
          },
          explanation: `中标人成立仅 ${age} 天即中标，不足 ${params.minAgeDays} 天`,
        }),
      ];
    });
  },
};

/**
 * PROC_METHOD_THRESHOLD — 单一来源 or 询价 used at or above the value where 公开招标 is required (政府采购法
 * art. 27; 国办发〔2019〕41号 4,000,000 yuan for goods and services; per region by override). The value is
 * the awarded total, else the budget.
 */
export const methodThreshold: ProcurementRule<Thresholds<'PROC_METHOD_THRESHOLD'>['params']> = {
  code: 'PROC_METHOD_THRESHOLD',
  title: '达到公开招标标准未公开招标',
  source: '政府采购法 第二十七条; 国办发〔2019〕41号 政府采购限额标准和公开招标数额标准; 国家发展改革委令第16号',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      if (!params.methods.includes(tender.method)) return [];
      const awards = activeAwards(index.awardsByOcid.get(tender.ocid)).filter((a) => a.value !== null);
      const value = awards.length > 0 ? awardedValue(awards) : tender.budget;
      const limit = params.thresholdByCategory[tender.category];
      if (value === null || value < limit) return [];
      return [
        tenderFinding(methodThreshold, version, tender, {
          refs: [],
          evidence: { value, valueBasis: awards.length > 0 ? 'awarded' : 'budget', threshold: limit, method: tender.method },
          explanation: `采用${METHOD_NAMES[tender.method]}方式，金额 ${yuan(value)}，达到公开招标数额标准 ${yuan(limit)}`,
        }),
      ];
    });
  },
};

/** The sanction of a supplier in force on a day (Asia/Shanghai date against the sanction's dates). */
export function sanctionOn(
  sanctions: readonly SupplierSanctionFact[] | undefined,
  at: Date,
  kinds: readonly string[],
): SupplierSanctionFact | undefined {
  const day = shanghaiDate(at);
  return (sanctions ?? []).find(
    (s) =>
      (kinds.length === 0 || kinds.includes(s.kind)) && isoDate(s.validFrom) <= day && (s.validTo === null || day <= isoDate(s.validTo)),
  );
}

/** A PostgreSQL `date` arrives as UTC midnight: its calendar day is the UTC one. */
const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
