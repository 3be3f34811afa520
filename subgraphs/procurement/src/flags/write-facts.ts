import type pg from 'pg';
import { bulkLoad, type BulkMethod, type Cell } from '#platform/db/bulk.js';
import type { ProcurementFacts } from '../rules/facts.js';

/**
 * The facts written back as table rows — the inverse of loadFacts (facts.ts): the seed's and the
 * tests' way to put a world of processes into the procurement schema in bulk. Keys (`<ocid>/<id>`)
 * and bookkeeping columns are derived here.
 */
export async function writeFacts(pool: pg.Pool, schema: string, facts: Omit<ProcurementFacts, 'asOf'>, method: BulkMethod = 'copy') {
  const load = (table: string, columns: string[], rows: Cell[][]) => bulkLoad(pool, { schema, table, columns }, rows, method);
  const now = new Date();
  await load(
    'tender',
    [
      'ocid',
      'hospital_code',
      'region_code',
      'title',
      'category',
      'method',
      'ocds_method',
      'method_details',
      'award_criteria',
      'budget',
      'currency',
      'status',
      'classification',
      'tender_start',
      'tender_end',
      'bid_opening',
      'award_date',
      'contract_date',
      'number_of_tenderers',
      'month',
      'release_date',
    ],
    facts.tenders.map((t) => [
      t.ocid,
      t.hospitalCode,
      t.regionCode,
      t.title,
      t.category,
      t.method,
      t.ocdsMethod,
      t.methodDetails,
      t.awardCriteria,
      t.budget,
      t.currency,
      t.status,
      t.classification,
      t.tenderStart,
      t.tenderEnd,
      t.bidOpening,
      t.awardDate,
      t.contractDate,
      t.numberOfTenderers,
      t.month,
      now,
    ]),
  );
  await load(
    'lot',
    ['ocid', 'lot_id', 'title', 'value', 'status'],
    facts.lots.map((l) => [l.ocid, l.lotId, l.title, l.value, l.status]),
  );
  await load(
    'bid',
    [
      'key',
      'ocid',
      'bid_id',
      'hospital_code',
      'region_code',
      'lot_id',
      'tenderer_usccs',
      'amount',
      'currency',
      'received_at',
      'status',
      'disqualify_reason',
      'month',
    ],
    facts.bids.map((b) => [
      `${b.ocid}/${b.bidId}`,
      b.ocid,
      b.bidId,
      b.hospitalCode,
      b.regionCode,
      b.lotId,
      b.tendererUsccs,
      b.amount,
      b.currency,
      b.receivedAt,
      b.status,
      b.disqualifyReason,
      b.month,
    ]),
  );
  await load(
    'committee_member',
    ['ocid', 'member_id', 'hospital_code', 'region_code', 'staff_id', 'expert_name', 'role'],
    facts.committeeMembers.map((m) => [m.ocid, m.memberId, m.hospitalCode, m.regionCode, m.staffId, m.expertName, m.role]),
  );
  await load(
    'award',
    [
      'key',
      'ocid',
      'award_id',
      'hospital_code',
      'region_code',
      'lot_id',
      'supplier_usccs',
      'value',
      'currency',
      'date',
      'status',
      'related_bids',
      'supplier_registered_on',
      'month',
    ],
    facts.awards.map((a) => [
      `${a.ocid}/${a.awardId}`,
      a.ocid,
      a.awardId,
      a.hospitalCode,
      a.regionCode,
      a.lotId,
      a.supplierUsccs,
      a.value,
      a.currency,
      a.date,
      a.status,
      a.relatedBids,
      a.supplierRegisteredOn,
      a.month,
    ]),
  );
  await load(
    'contract',
    ['ocid', 'contract_id', 'hospital_code', 'region_code', 'award_id', 'value', 'currency', 'date_signed', 'status', 'amendments'],
    facts.contracts.map((c) => [
      c.ocid,
      c.contractId,
      c.hospitalCode,
      c.regionCode,
      c.awardId,
      c.value,
      c.currency,
      c.dateSigned,
      c.status,
      (c.amendments ?? []) as Cell,
    ]),
  );
  await load(
    'party',
    ['ocid', 'party_id', 'name', 'roles', 'uscc', 'address', 'contact_name', 'telephone', 'email'],
    facts.parties.map((p) => [p.ocid, p.partyId, p.name, p.roles, p.uscc, p.address, p.contactName, p.telephone, p.email]),
  );
  await load(
    'purchase_order_line',
    [
      'key',
      'order_no',
      'line_no',
      'hospital_code',
      'region_code',
      'product_code',
      'product_kind',
      'generic_group',
      'supplier_uscc',
      'manufacturer_uscc',
      'quantity',
      'unit_price',
      'amount',
      'ordered_at',
      'vbp_selected',
      'listed_price',
      'invoices',
      'month',
    ],
    facts.orderLines.map((o) => [
      `${o.orderNo}/${o.lineNo}`,
      o.orderNo,
      o.lineNo,
      o.hospitalCode,
      o.regionCode,
      o.productCode,
      o.productKind,
      o.genericGroup,
      o.supplierUscc,
      o.manufacturerUscc,
      o.quantity,
      o.unitPrice,
      o.amount,
      o.orderedAt,
      o.vbpSelected,
      o.listedPrice,
      o.invoices,
      o.month,
    ]),
  );
  await load(
    'vbp_agreement',
    ['hospital_code', 'region_code', 'generic_group', 'year', 'agreed_quantity'],
    facts.vbpAgreements.map((v) => [v.hospitalCode, v.regionCode, v.genericGroup, v.year, v.agreedQuantity]),
  );
  await load(
    'supplier_sanction',
    ['supplier_uscc', 'kind', 'valid_from', 'valid_to', 'source', 'reference'],
    facts.sanctions.map((s) => [s.supplierUscc, s.kind, s.validFrom, s.validTo, s.source, s.reference]),
  );
}
