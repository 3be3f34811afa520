import { percent, round4, shanghaiYear, yuan } from '#platform/rules/finding.js';
import type { FindingRow } from '#platform/rules/finding.js';
import { groupBy, type PurchaseOrderLineFact } from './facts.js';
import type { Thresholds } from './params.js';
import { finding, type ProcurementRule } from './rule.js';

const lineRef = (l: PurchaseOrderLineFact) => `PurchaseOrderLine:${l.orderNo}/${l.lineNo}`;
const lineKey = (l: PurchaseOrderLineFact) => `order-line:${l.orderNo}/${l.lineNo}`;
const lineRefs = (l: PurchaseOrderLineFact) => [lineRef(l), `Product:${l.productCode}`, `Supplier:${l.supplierUscc}`];

/**
 * PROC_ABOVE_LISTED_PRICE — bought above the 挂网价 in force at the order (seed 002 阳光采购: buy on the
 * provincial platform at its listed price; seed 004 item (13)). unitPrice > listedPrice × (1 + tolerance).
 */
export const aboveListedPrice: ProcurementRule<Thresholds<'PROC_ABOVE_LISTED_PRICE'>['params']> = {
  code: 'PROC_ABOVE_LISTED_PRICE',
  title: '采购价高于挂网价',
  source: 'seed 002 阳光采购; seed 004 第(13)项 (省级平台挂网价)',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    return facts.orderLines.flatMap((line) => {
      if (line.listedPrice === null || line.unitPrice <= line.listedPrice * (1 + params.tolerance)) return [];
      const excess = line.unitPrice / line.listedPrice - 1;
      return [
        finding(aboveListedPrice, version, line, {
          subjectKey: lineKey(line),
          refs: lineRefs(line),
          evidence: {
            unitPrice: line.unitPrice,
            listedPrice: line.listedPrice,
            excess: round4(excess),
            tolerance: params.tolerance,
            quantity: line.quantity,
          },
          explanation: `采购单价 ${line.unitPrice} 元高于挂网价 ${line.listedPrice} 元（高出 ${percent(excess)}）`,
        }),
      ];
    });
  },
};

/**
 * PROC_INVOICE_CHAIN — more than two invoices from manufacturer to hospital (两票制: 关于在公立医疗机构药品采购中
 * 推行"两票制"的实施意见（试行）国医改办发〔2016〕4号; seed 002).
 */
export const invoiceChain: ProcurementRule<Thresholds<'PROC_INVOICE_CHAIN'>['params']> = {
  code: 'PROC_INVOICE_CHAIN',
  title: '违反两票制',
  source: '国医改办发〔2016〕4号 两票制; seed 002',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    return facts.orderLines.flatMap((line) =>
      line.invoices.length > params.maxInvoices && (params.productKinds.length === 0 || params.productKinds.includes(line.productKind))
        ? [
            finding(invoiceChain, version, line, {
              subjectKey: lineKey(line),
              refs: lineRefs(line),
              evidence: { invoices: line.invoices.length, maxInvoices: params.maxInvoices, chain: line.invoices },
              explanation: `从生产企业到医院开具 ${line.invoices.length} 张发票，超过两票制的 ${params.maxInvoices} 张`,
            }),
          ]
        : [],
    );
  },
};

const yearOf = (line: PurchaseOrderLineFact) => Number(line.month.slice(0, 4));

/**
 * PROC_VBP_SUBSTITUTION — a non-selected product bought while a 集采-selected product of the same generic
 * group was available: the group had a selected product ordered in the region that month, or the hospital
 * has a 集采 agreement for it that year (seed 001: 优先使用中选产品; seed 004 item (13)). One finding per
 * hospital × generic group × month.
 */
export const vbpSubstitution: ProcurementRule<Thresholds<'PROC_VBP_SUBSTITUTION'>['params']> = {
  code: 'PROC_VBP_SUBSTITUTION',
  title: '有集采中选产品仍采购非中选产品',
  source: 'seed 001 集采中选产品优先使用; seed 004 第(13)项',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    const selectedInRegion = new Set(
      facts.orderLines.filter((l) => l.vbpSelected).map((l) => `${l.regionCode}|${l.month}|${l.genericGroup}`),
    );
    const agreements = new Set(facts.vbpAgreements.map((a) => `${a.hospitalCode}|${a.genericGroup}|${a.year}`));
    const basis = (l: PurchaseOrderLineFact) => ({
      selectedOrderedInRegion: selectedInRegion.has(`${l.regionCode}|${l.month}|${l.genericGroup}`),
      agreement: agreements.has(`${l.hospitalCode}|${l.genericGroup}|${yearOf(l)}`),
    });
    const hits = facts.orderLines.filter((l) => {
      if (l.vbpSelected) return false;
      const b = basis(l);
      return b.selectedOrderedInRegion || b.agreement;
    });
    return [...groupBy(hits, (l) => `${l.hospitalCode}|${l.genericGroup}|${l.month}`).values()].flatMap((lines) => {
      if (lines.length < params.minLines) return [];
      const first = lines[0]!;
      const quantity = lines.reduce((s, l) => s + l.quantity, 0);
      const amount = lines.reduce((s, l) => s + l.amount, 0);
      return [
        finding(vbpSubstitution, version, first, {
          subjectKey: `vbp-substitution:${first.hospitalCode}:${first.genericGroup}:${first.month}`,
          refs: [...new Set(lines.map((l) => `Product:${l.productCode}`)), ...lines.map(lineRef)],
          evidence: { genericGroup: first.genericGroup, lines: lines.length, quantity, amount, basis: basis(first) },
          explanation: `${first.month} 在有集采中选产品可用时采购同通用名非中选产品 ${lines.length} 笔，金额 ${yuan(amount)}`,
        }),
      ];
    });
  },
};

/**
 * PROC_VBP_SHORTFALL — the agreed 集采 volume of a hospital × generic group × year not completed by the
 * year's end (seed 001: 完成约定采购量; 国务院办公厅 国办发〔2019〕2号 国家组织药品集中采购和使用试点方案).
 * Only closed years (ended before `facts.asOf`); the facts must hold that year's order lines.
 */
export const vbpShortfall: ProcurementRule<Thresholds<'PROC_VBP_SHORTFALL'>['params']> = {
  code: 'PROC_VBP_SHORTFALL',
  title: '集采约定采购量未完成',
  source: '国办发〔2019〕2号; seed 001 完成约定采购量',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    const currentYear = shanghaiYear(facts.asOf);
    const bought = new Map<string, number>();
    for (const l of facts.orderLines) {
      if (!l.vbpSelected) continue;
      const key = `${l.hospitalCode}|${l.genericGroup}|${yearOf(l)}`;
      bought.set(key, (bought.get(key) ?? 0) + l.quantity);
    }
    const rows: FindingRow[] = [];
    for (const a of facts.vbpAgreements) {
      if (a.year >= currentYear || a.agreedQuantity <= 0) continue;
      const got = bought.get(`${a.hospitalCode}|${a.genericGroup}|${a.year}`) ?? 0;
      const completion = got / a.agreedQuantity;
      if (completion >= params.minCompletion) continue;
      rows.push(
        finding(
          vbpShortfall,
          version,
          { hospitalCode: a.hospitalCode, regionCode: a.regionCode, month: `${a.year}-12` },
          {
            subjectKey: `vbp-shortfall:${a.hospitalCode}:${a.genericGroup}:${a.year}`,
            refs: [`VbpAgreement:${a.hospitalCode}/${a.genericGroup}/${a.year}`],
            evidence: {
              genericGroup: a.genericGroup,
              year: a.year,
              agreed: a.agreedQuantity,
              bought: got,
              completion: round4(completion),
              minCompletion: params.minCompletion,
            },
            explanation: `${a.year} 年集采约定采购量 ${a.agreedQuantity}，实际采购中选产品 ${got}，完成率 ${percent(completion)}`,
          },
        ),
      );
    }
    return rows;
  },
};
