import type pg from 'pg';
import { bulkLoad, type BulkMethod, type Cell } from '#platform/db/bulk.js';
import type { ProcurementFacts } from '../rules/facts.js';
import { TABLES, type Table } from '../tables.js';

/**
 * The facts written back as table rows — the inverse of loadFacts (facts.ts): the tests' way (and the
 * gateway e2e's) to put a world of processes into the procurement schema in bulk. Keys (`<ocid>/<id>`)
 * and bookkeeping columns are derived here; cells follow the column lists of tables.ts.
 */
export async function writeFacts(pool: pg.Pool, schema: string, facts: Omit<ProcurementFacts, 'asOf'>, method: BulkMethod = 'copy') {
  const load = (table: Table, rows: Cell[][]) => bulkLoad(pool, { schema, table, columns: [...TABLES[table]] }, rows, method);
  const now = new Date();
  await load(
    'tender',
    facts.tenders.map((t) => [
      t.ocid, t.hospitalCode, t.regionCode, t.title, t.category, t.method, t.ocdsMethod, t.methodDetails, t.awardCriteria, t.budget,
      t.currency, t.status, t.classification, t.tenderStart, t.tenderEnd, t.bidOpening, t.awardDate, t.contractDate,
      t.numberOfTenderers, t.month, now,
    ]),
  ); // prettier-ignore
  await load(
    'lot',
    facts.lots.map((l) => [l.ocid, l.lotId, l.title, l.value, l.status]),
  );
  await load(
    'bid',
    facts.bids.map((b) => [
      `${b.ocid}/${b.bidId}`, b.ocid, b.bidId, b.hospitalCode, b.regionCode, b.lotId, b.tendererUsccs, b.amount, b.currency, b.receivedAt,
      b.status, b.disqualifyReason, b.month,
    ]),
  ); // prettier-ignore
  await load(
    'committee_member',
    facts.committeeMembers.map((m) => [m.ocid, m.memberId, m.hospitalCode, m.regionCode, m.staffId, m.expertName, m.role]),
  );
  await load(
    'award',
    facts.awards.map((a) => [
      `${a.ocid}/${a.awardId}`, a.ocid, a.awardId, a.hospitalCode, a.regionCode, a.lotId, a.supplierUsccs, a.value, a.currency, a.date,
      a.status, a.relatedBids, a.supplierRegisteredOn, a.month,
    ]),
  ); // prettier-ignore
  await load(
    'contract',
    facts.contracts.map((c) => [
      c.ocid, c.contractId, c.hospitalCode, c.regionCode, c.awardId, c.value, c.currency, c.dateSigned, c.status, (c.amendments ?? []) as Cell,
    ]),
  ); // prettier-ignore
  await load(
    'party',
    facts.parties.map((p) => [p.ocid, p.partyId, p.name, p.roles, p.uscc, p.address, p.contactName, p.telephone, p.email]),
  );
  await load(
    'purchase_order_line',
    facts.orderLines.map((o) => [
      `${o.orderNo}/${o.lineNo}`, o.orderNo, o.lineNo, o.hospitalCode, o.regionCode, o.productCode, o.productKind, o.genericGroup,
      o.supplierUscc, o.manufacturerUscc, o.quantity, o.unitPrice, o.amount, o.orderedAt, o.vbpSelected, o.listedPrice, o.invoices, o.month,
    ]),
  ); // prettier-ignore
  await load(
    'vbp_agreement',
    facts.vbpAgreements.map((v) => [v.hospitalCode, v.regionCode, v.genericGroup, v.year, v.agreedQuantity]),
  );
  await load(
    'supplier_sanction',
    facts.sanctions.map((s) => [s.supplierUscc, s.kind, s.validFrom, s.validTo, s.source, s.reference]),
  );
}
