import { arrayLiteral, type Cell } from '#platform/db/bulk.js';
import { FEED_TIMESTAMPS, TABLES } from '../tables.js';
import { type Agreement, METHOD_INFO, type OrderLine, type Process, type Sanction, shanghaiMonth } from './model.js';
import { awardId, contractId, processParties, releaseId, toRelease } from './ocds.js';

/** The columns the seed writes, per table, in the order of its rows (tables.ts; with the timestamps where it sets them). */
export const COLUMNS = {
  ...TABLES,
  tender: [...TABLES.tender, ...FEED_TIMESTAMPS],
  ocds_release: [...TABLES.ocds_release, ...FEED_TIMESTAMPS],
  purchase_order_line: [...TABLES.purchase_order_line, ...FEED_TIMESTAMPS],
};

export type Table = keyof typeof COLUMNS;
export type Rows = Record<Table, Cell[][]>;

export const emptyRows = (): Rows => Object.fromEntries(Object.keys(COLUMNS).map((t) => [t, []])) as unknown as Rows;

/** Every row of one process: tender, bids, committee, award, contract, parties and its OCDS release. */
export function processRows(p: Process, now: Date, out: Rows): void {
  const h = [p.hospitalCode, p.regionCode] as const;
  const winner = p.bids.find((b) => b.id === p.winnerBidId)!;
  const tenderers = new Set(p.bids.map((b) => b.supplier)).size;
  const info = METHOD_INFO[p.method];
  out.tender.push([
    p.ocid, ...h, p.title, p.category, p.method, info.ocds, info.zh, 'priceOnly', p.budget.toFixed(2), 'CNY', 'complete', p.cpv,
    p.tenderStart, p.tenderEnd, p.tenderEnd, p.awardDate, p.contractDate, tenderers, shanghaiMonth(p.tenderStart), p.contractDate, now, now,
  ]); // prettier-ignore
  for (const b of p.bids) {
    out.bid.push([
      `${p.ocid}/${b.id}`, p.ocid, b.id, ...h, null, arrayLiteral([b.supplier]), b.amount.toFixed(2), 'CNY', b.receivedAt,
      b.status, b.reason, shanghaiMonth(b.receivedAt),
    ]); // prettier-ignore
  }
  for (const m of p.committee) out.committee_member.push([p.ocid, m.id, ...h, m.staffId, m.name, m.role]);
  out.award.push([
    `${p.ocid}/${awardId(p)}`, p.ocid, awardId(p), ...h, null, arrayLiteral([winner.supplier]), p.awardValue.toFixed(2), 'CNY',
    p.awardDate, 'active', arrayLiteral([winner.id]), p.winnerRegisteredOn, shanghaiMonth(p.awardDate),
  ]); // prettier-ignore
  out.contract.push([p.ocid, contractId(p), ...h, awardId(p), p.awardValue.toFixed(2), 'CNY', p.contractDate, 'active', '[]']);
  for (const x of processParties(p)) {
    out.party.push([p.ocid, x.id, x.name, arrayLiteral(x.roles), x.uscc, x.streetAddress, x.contactName, x.telephone, x.email]);
  }
  out.ocds_release.push([
    p.ocid,
    releaseId(p),
    p.contractDate,
    arrayLiteral(['tender', 'award', 'contract']),
    JSON.stringify(toRelease(p)),
    // What the directory says of the buyer and the winner, as the ocds feed keeps it: a later release recompiles without a look-up.
    JSON.stringify({
      hospital: { code: p.hospitalCode, regionCode: p.regionCode },
      registeredOn: { [winner.supplier]: p.winnerRegisteredOn },
    }),
    now,
    now,
  ]);
}

export function orderRow(l: OrderLine, now: Date): Cell[] {
  return [
    `${l.orderNo}/${l.lineNo}`, l.orderNo, l.lineNo, l.hospitalCode, l.regionCode, l.productCode, l.productKind, l.genericGroup,
    l.supplierUscc, l.manufacturerUscc, l.quantity.toFixed(3), l.unitPrice.toFixed(4), (Math.round(l.quantity * l.unitPrice * 100) / 100).toFixed(2),
    l.orderedAt, l.vbpSelected, l.listedPrice.toFixed(4), arrayLiteral(l.invoices), shanghaiMonth(l.orderedAt), now, now,
  ]; // prettier-ignore
}

export const agreementRow = (a: Agreement): Cell[] => [a.hospitalCode, a.regionCode, a.genericGroup, a.year, a.agreedQuantity.toFixed(3)];
export const sanctionRow = (s: Sanction): Cell[] => [s.supplierUscc, s.kind, s.validFrom, s.validTo, s.source, s.reference];
