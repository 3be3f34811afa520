import { addMinutes, type Agreement, day2025, genericGroupOf, type OrderLine } from './model.js';
import { floor4, invoicePair, orderLine, type ProductFact, type ProductIndex } from './orders.js';
import { note, type Planter } from './planted.js';

/** Order numbers of the planted lines: far above any background serial of the same hospital. */
const PLANTED_SERIAL = 900_000;

export interface PlantedOrders {
  orders: OrderLine[];
  agreements: Agreement[];
}

/** Products for the order cases, each in its own generic group so one case cannot feed another. */
function chooseProducts(products: ProductIndex) {
  const drugs = products.byKind.get('DRUG') ?? [];
  const used = new Set<string>();
  const take = (ok: (p: ProductFact) => boolean, what: string): ProductFact => {
    const found = drugs.find((p) => !used.has(genericGroupOf(p.code)) && ok(p));
    if (!found) throw new Error(`procurement seed: the directory has no drug product for the planted case (${what})`);
    used.add(genericGroupOf(found.code));
    return found;
  };
  const hasSelected = (p: ProductFact) => products.selectedOf.has(genericGroupOf(p.code));
  return {
    priced: take((p) => p.vbpSelected, 'a selected product'),
    substituted: take((p) => !p.vbpSelected && hasSelected(p), 'a non-selected product of a group with a selected one'),
    alone: take((p) => !p.vbpSelected && !hasSelected(p), 'a non-selected product of a group without a selected one'),
    short: take((p) => p.vbpSelected, 'a selected product'),
    met: take((p) => p.vbpSelected, 'a selected product'),
    invoiced: take((p) => p.vbpSelected, 'a selected product'),
  };
}

/**
 * The order-line cases at the main planted hospital: above the 挂网价, 集采 substitution, agreed volumes short and met,
 * and a three-invoice chain (两票制).
 */
export function plantOrders(p: Planter, products: ProductIndex, distributor: string): PlantedOrders {
  const h = p.hospitals.main;
  const chosen = chooseProducts(products);
  const orders: OrderLine[] = [];
  const add = (product: ProductFact, quantity: number, unitPrice: number, day: number, invoices?: string[]): OrderLine => {
    const orderNo = `PO${h.code}${PLANTED_SERIAL + orders.length + 1}`;
    const head = { orderNo, hospitalCode: h.code, regionCode: h.regionCode, supplierUscc: distributor, orderedAt: addMinutes(day2025(day, 10), 0) };
    const line = orderLine(p.env, head, 1, product, quantity, unitPrice, invoices);
    orders.push(line);
    return line;
  };
  const ref = (l: OrderLine) => `PurchaseOrderLine:${l.orderNo}/${l.lineNo}`;
  const listed = (x: ProductFact) => x.listedPrice;

  note(p, 'PROC_ABOVE_LISTED_PRICE', ref(add(chosen.priced, 100, floor4(listed(chosen.priced) * 1.08), 40)), 'flag', '采购单价高于挂网价 8%');
  note(p, 'PROC_ABOVE_LISTED_PRICE', ref(add(chosen.priced, 100, listed(chosen.priced), 41)), 'clear', '采购单价等于挂网价');
  // The selected product was on hand: the same hospital bought it that month (the rule's test of availability).
  const selected = products.selectedOf.get(genericGroupOf(chosen.substituted.code))!;
  add(selected, 100, floor4(listed(selected) * 0.9), 59);
  note(p, 'PROC_VBP_SUBSTITUTION', ref(add(chosen.substituted, 200, floor4(listed(chosen.substituted) * 0.95), 60)), 'flag', '同通用名有集采中选产品时采购非中选产品');
  note(p, 'PROC_VBP_SUBSTITUTION', ref(add(chosen.alone, 200, floor4(listed(chosen.alone) * 0.95), 61)), 'clear', '非中选产品，但同通用名无中选产品');
  note(p, 'PROC_INVOICE_CHAIN', ref(add(chosen.invoiced, 50, floor4(listed(chosen.invoiced) * 0.9), 80, [...invoicePair(p.env), invoicePair(p.env)[0]!])), 'flag', '一笔采购有 3 张发票（两票制最多 2 张）');
  note(p, 'PROC_INVOICE_CHAIN', ref(add(chosen.invoiced, 50, floor4(listed(chosen.invoiced) * 0.9), 81)), 'clear', '生产企业→配送企业→医院 两张发票');

  for (const [q, day] of [[300, 100], [200, 200]] as const) add(chosen.short, q, floor4(listed(chosen.short) * 0.9), day);
  for (const [q, day] of [[500, 110], [300, 210]] as const) add(chosen.met, q, floor4(listed(chosen.met) * 0.9), day);
  const agreement = (product: ProductFact, agreedQuantity: number): Agreement => ({ hospitalCode: h.code, regionCode: h.regionCode, genericGroup: genericGroupOf(product.code), year: 2025, agreedQuantity });
  const agreements = [agreement(chosen.short, 1000), agreement(chosen.met, 800)];
  const agreementRef = (a: Agreement) => `VbpAgreement:${a.hospitalCode}/${a.genericGroup}/${a.year}`;
  note(p, 'PROC_VBP_SHORTFALL', agreementRef(agreements[0]!), 'flag', '集采协议量 1,000，全年仅采购 500（完成 50%）');
  note(p, 'PROC_VBP_SHORTFALL', agreementRef(agreements[1]!), 'clear', '集采协议量 800，全年采购 800（恰好完成）');
  return { orders, agreements };
} // prettier-ignore
