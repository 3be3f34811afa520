import type { DirectoryFacts } from '../../../directory/src/seed/index.js';
import { addMinutes, type Agreement, day2025, genericGroupOf, type OrderLine } from './model.js';
import type { Env, HospitalFact } from './process.js';
import { LEVEL_WEIGHT } from './world.js';

export type ProductFact = DirectoryFacts['products'][number];

/** Purchase-order lines per city-year at size 1 (the issue: ≈ 100,000). */
export const ORDER_LINES_PER_CITY = 100_000;
/** Agreements (集采协议量) per hospital: its most-bought selected generic groups. */
const AGREEMENTS_PER_HOSPITAL = 40;

export interface ProductIndex {
  byKind: Map<string, ProductFact[]>;
  /** The first 集采-selected product of each generic group: what a hospital must buy first (seed 001, 004 item 13). */
  selectedOf: Map<string, ProductFact>;
  byCode: Map<string, ProductFact>;
}

export function indexProducts(products: readonly ProductFact[]): ProductIndex {
  const byKind = new Map<string, ProductFact[]>();
  const selectedOf = new Map<string, ProductFact>();
  for (const p of products) {
    const list = byKind.get(p.kind) ?? [];
    list.push(p);
    byKind.set(p.kind, list);
    if (p.vbpSelected && !selectedOf.has(genericGroupOf(p.code))) selectedOf.set(genericGroupOf(p.code), p);
  }
  return { byKind, selectedOf, byCode: new Map(products.map((p) => [p.code, p])) };
}

/** 两票制: manufacturer → distributor, distributor → hospital — two 20-digit 全电发票 numbers. */
export function invoicePair(env: Env): string[] {
  const next = () => `2533${String(++env.invoices.n).padStart(16, '0')}`;
  return [next(), next()];
}

/** One line at or below the 挂网价, the price floored to 4 decimals. */
export function orderLine(env: Env, head: Omit<OrderLine, 'lineNo' | 'productCode' | 'productKind' | 'genericGroup' | 'manufacturerUscc' | 'quantity' | 'unitPrice' | 'vbpSelected' | 'listedPrice' | 'invoices'>, lineNo: number, product: ProductFact, quantity: number, unitPrice: number, invoices?: string[]): OrderLine {
  return {
    orderNo: head.orderNo,
    lineNo,
    hospitalCode: head.hospitalCode,
    regionCode: head.regionCode,
    productCode: product.code,
    productKind: product.kind,
    genericGroup: genericGroupOf(product.code),
    supplierUscc: head.supplierUscc,
    manufacturerUscc: product.supplierUscc,
    quantity,
    unitPrice,
    orderedAt: head.orderedAt,
    vbpSelected: product.vbpSelected,
    listedPrice: product.listedPrice,
    invoices: invoices ?? invoicePair(env),
  };
} // prettier-ignore

export const floor4 = (x: number) => Math.floor(x * 10_000) / 10_000;

/**
 * A city's background orders on the provincial platform: hospitals by level weight, one distributor per order, products
 * chosen at random but a non-selected product replaced by its group's selected one (selected products first, so the
 * substitution flag is a planted case), prices 0–15 % under the 挂网价, two invoices each.
 */
export function backgroundOrders(
  env: Env,
  hospitals: HospitalFact[],
  products: ProductIndex,
  distributors: Record<'DRUG' | 'CONSUMABLE', string[]>,
  lines: number,
): { orders: OrderLine[]; agreements: Agreement[] } {
  const { rng } = env;
  const weighted = hospitals.map((h) => [h, LEVEL_WEIGHT[h.level] ?? 1] as const);
  const selectedQty = new Map<string, Map<string, number>>();
  const orders: OrderLine[] = [];
  const serial = new Map<string, number>();
  while (orders.length < lines) {
    const hospital = rng.weighted(weighted);
    const kind = rng.chance(0.65) ? 'DRUG' : 'CONSUMABLE';
    const n = (serial.get(hospital.code) ?? 0) + 1;
    serial.set(hospital.code, n);
    const orderedAt = addMinutes(day2025(rng.int(0, 364), 8), rng.int(0, 9 * 60));
    const head = {
      orderNo: `PO${hospital.code}${String(n).padStart(6, '0')}`,
      hospitalCode: hospital.code,
      regionCode: hospital.regionCode,
      supplierUscc: rng.pick(distributors[kind]),
      orderedAt,
    };
    const pool = products.byKind.get(kind) ?? [];
    const count = Math.min(rng.int(1, 12), lines - orders.length);
    for (let l = 1; l <= count; l++) {
      let product = rng.pick(pool);
      if (!product.vbpSelected) product = products.selectedOf.get(genericGroupOf(product.code)) ?? product;
      const quantity = kind === 'DRUG' ? rng.int(10, 2000) : rng.int(1, 200);
      orders.push(orderLine(env, head, l, product, quantity, floor4(product.listedPrice * (0.85 + rng.next() * 0.15))));
      if (product.vbpSelected) {
        const byGroup = selectedQty.get(hospital.code) ?? new Map<string, number>();
        byGroup.set(genericGroupOf(product.code), (byGroup.get(genericGroupOf(product.code)) ?? 0) + quantity);
        selectedQty.set(hospital.code, byGroup);
      }
    }
  }
  return { orders, agreements: metAgreements(env, hospitals, selectedQty) };
}

/** Agreed volumes 70–95 % of what was bought: the background completes its 集采 agreements. */
function metAgreements(env: Env, hospitals: HospitalFact[], selectedQty: Map<string, Map<string, number>>): Agreement[] {
  return hospitals.flatMap((h) =>
    [...(selectedQty.get(h.code) ?? new Map<string, number>()).entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, AGREEMENTS_PER_HOSPITAL)
      .map(([genericGroup, qty]) => ({
        hospitalCode: h.code,
        regionCode: h.regionCode,
        genericGroup,
        year: 2025,
        agreedQuantity: Math.floor(qty * (0.7 + env.rng.next() * 0.25)),
      })),
  );
}
