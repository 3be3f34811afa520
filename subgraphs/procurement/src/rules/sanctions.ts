import { groupBy, indexFacts, type PurchaseOrderLineFact, type SupplierSanctionFact } from './facts.js';
import { isActive } from './cardinal.js';
import type { FindingRow } from '#platform/rules/finding.js';
import { yuan } from '#platform/rules/finding.js';
import type { Thresholds } from './params.js';
import { finding, type ProcurementRule } from './rule.js';
import { sanctionOn } from './awards.js';

/** The sanction kinds (SanctionKind in the SDL) as the explanations name them. */
const KIND_NAMES: Record<string, string> = {
  CREDIT_D: '信用评价 D',
  DISHONEST: '失信',
  LISTING_RESTRICTED: '限制挂网',
  LISTING_SUSPENDED: '中止挂网',
};
const kindName = (kind: string) => KIND_NAMES[kind] ?? kind;

const describe = (s: SupplierSanctionFact) => ({
  kind: s.kind,
  validFrom: s.validFrom,
  validTo: s.validTo,
  source: s.source,
  reference: s.reference,
});

/**
 * PROC_SANCTIONED_SUPPLIER — an award to, or a purchase from, a supplier under a credit sanction on that
 * day (信用评价 D / 失信 / 限制或中止挂网: seed 003 focus area 1; seed 004 item (17) "no business with companies
 * found paying kickbacks"; 国家医保局 医药价格和招采信用评价制度). Awards one by one; purchases per hospital × supplier × month.
 */
export const sanctionedSupplier: ProcurementRule<Thresholds<'PROC_SANCTIONED_SUPPLIER'>['params']> = {
  code: 'PROC_SANCTIONED_SUPPLIER',
  title: '与信用惩戒企业交易',
  source: '国家医保局 医药价格和招采信用评价; seed 003 重点领域1; seed 004 第(17)项',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const rows: FindingRow[] = [];
    for (const award of facts.awards) {
      if (!isActive(award) || award.date === null) continue;
      for (const uscc of award.supplierUsccs) {
        const s = sanctionOn(index.sanctionsBySupplier.get(uscc), award.date, params.kinds);
        if (s === undefined) continue;
        rows.push(
          finding(sanctionedSupplier, version, award, {
            subjectKey: `award:${award.ocid}/${award.awardId}:${uscc}`,
            refs: [`Tender:${award.ocid}`, `Supplier:${uscc}`],
            evidence: { sanction: describe(s), awardDate: award.date, value: award.value },
            explanation: `中标人在授标时处于信用惩戒期（${kindName(s.kind)}，${s.source}）`,
          }),
        );
      }
    }
    const hits: { line: PurchaseOrderLineFact; uscc: string; sanction: SupplierSanctionFact }[] = [];
    for (const line of facts.orderLines) {
      for (const uscc of new Set([line.supplierUscc, line.manufacturerUscc ?? line.supplierUscc])) {
        const s = sanctionOn(index.sanctionsBySupplier.get(uscc), line.orderedAt, params.kinds);
        if (s !== undefined) hits.push({ line, uscc, sanction: s });
      }
    }
    for (const group of groupBy(hits, (h) => `${h.line.hospitalCode}|${h.uscc}|${h.line.month}`).values()) {
      const { line, uscc, sanction } = group[0]!;
      const amount = group.reduce((s, h) => s + h.line.amount, 0);
      rows.push(
        finding(sanctionedSupplier, version, line, {
          subjectKey: `purchases:${line.hospitalCode}:${uscc}:${line.month}`,
          refs: [`Supplier:${uscc}`, ...group.map((h) => `PurchaseOrderLine:${h.line.orderNo}/${h.line.lineNo}`)],
          evidence: { sanction: describe(sanction), lines: group.length, amount },
          explanation: `${line.month} 向信用惩戒期内的企业（${kindName(sanction.kind)}）采购 ${group.length} 笔，合计 ${yuan(amount)}`,
        }),
      );
    }
    return rows;
  },
};
