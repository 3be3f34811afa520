import type { Cell } from '#platform/db/bulk.js';
import { type Agreement, METHOD_INFO, type OrderLine, type Process, type Sanction, shanghaiMonth } from './model.js';
import { awardId, contractId, processParties, releaseId, toRelease } from './ocds.js';

/** The columns the seed writes, per table, in the order of its rows (migrations/20261202140000_init). */
export const COLUMNS = {
  tender: [
    'ocid', 'hospital_code', 'region_code', 'title', 'category', 'method', 'ocds_method', 'method_details', 'award_criteria',
    'budget', 'currency', 'status', 'classification', 'tender_start', 'tender_end', 'bid_opening', 'award_date',
    'contract_date', 'number_of_tenderers', 'month', 'release_date', 'created_at', 'updated_at',
  ],
  bid: [
    'key', 'ocid', 'bid_id', 'hospital_code', 'region_code', 'lot_id', 'tenderer_usccs', 'amount', 'currency', 'received_at',
    'status', 'disqualify_reason', 'month',
  ],
  committee_member: ['ocid', 'member_id', 'hospital_code', 'region_code', 'staff_id', 'expert_name', 'role'],
  award: [
    'key', 'ocid', 'award_id', 'hospital_code', 'region_code', 'lot_id', 'supplier_usccs', 'value', 'currency', 'date',
    'status', 'related_bids', 'supplier_registered_on', 'month',
  ],
  contract: ['ocid', 'contract_id', 'hospital_code', 'region_code', 'award_id', 'value', 'currency', 'date_signed', 'status', 'amendments'],
  party: ['ocid', 'party_id', 'name', 'roles', 'uscc', 'address', 'contact_name', 'telephone', 'email'],
  ocds_release: ['ocid', 'release_id', 'date', 'tags', 'body', 'directory', 'created_at', 'updated_at'],
  purchase_order_line: [
    'key', 'order_no', 'line_no', 'hospital_code', 'region_code', 'product_code', 'product_kind', 'generic_group',
    'supplier_uscc', 'manufacturer_uscc', 'quantity', 'unit_price', 'amount', 'ordered_at', 'vbp_selected', 'listed_price',
    'invoices', 'month', 'created_at', 'updated_at',
  ],
  vbp_agreement: ['hospital_code', 'region_code', 'generic_group', 'year', 'agreed_quantity'],
  supplier_sanction: ['supplier_uscc', 'kind', 'valid_from', 'valid_to', 'source', 'reference'],
} as const satisfies Record<string, readonly string[]>; // prettier-ignore

export type Table = keyof typeof COLUMNS;
export type Rows = Record<Table, Cell[][]>;

/** A PostgreSQL array literal (`{"a","b"}`): a text[] cell for COPY and for bound parameters alike. */
export const pgArray = (values: readonly string[]): string =>
  `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

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
      `${p.ocid}/${b.id}`, p.ocid, b.id, ...h, null, pgArray([b.supplier]), b.amount.toFixed(2), 'CNY', b.receivedAt,
      b.status, b.reason, shanghaiMonth(b.receivedAt),
    ]); // prettier-ignore
  }
  for (const m of p.committee) out.committee_member.push([p.ocid, m.id, ...h, m.staffId, m.name, m.role]);
  out.award.push([
    `${p.ocid}/${awardId(p)}`, p.ocid, awardId(p), ...h, null, pgArray([winner.supplier]), p.awardValue.toFixed(2), 'CNY',
    p.awardDate, 'active', pgArray([winner.id]), p.winnerRegisteredOn, shanghaiMonth(p.awardDate),
  ]); // prettier-ignore
  out.contract.push([p.ocid, contractId(p), ...h, awardId(p), p.awardValue.toFixed(2), 'CNY', p.contractDate, 'active', '[]']);
  for (const x of processParties(p)) {
    out.party.push([p.ocid, x.id, x.name, pgArray(x.roles), x.uscc, x.streetAddress, x.contactName, x.telephone, x.email]);
  }
  out.ocds_release.push([
    p.ocid,
    releaseId(p),
    p.contractDate,
    pgArray(['tender', 'award', 'contract']),
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
    l.orderedAt, l.vbpSelected, l.listedPrice.toFixed(4), pgArray(l.invoices), shanghaiMonth(l.orderedAt), now, now,
  ]; // prettier-ignore
}

export const agreementRow = (a: Agreement): Cell[] => [a.hospitalCode, a.regionCode, a.genericGroup, a.year, a.agreedQuantity.toFixed(3)];
export const sanctionRow = (s: Sanction): Cell[] => [s.supplierUscc, s.kind, s.validFrom, s.validTo, s.source, s.reference];
