/**
 * A compiled OCDS record → rows of the process tables (columns in the order of the migration
 * 20261202140000_init). Every row of tender, bid, committee_member, award and contract carries the
 * buyer's hospital_code and region_code (row scope); `month` is the Asia/Shanghai month of
 * tenderPeriod.startDate, or of the record's date when there is none.
 *
 * Hub extensions read here (documented in the README, "Procurement — Feeds"): `tender.category` (method.ts),
 * `tender.evaluationCommittee[]` { id, staffId?, name?, role? } — OCDS has no committee —,
 * `bids.details[].statusDetails` (the disqualification reason) and `value.original` (value.ts).
 * A record whose tender has no method yet (e.g. an award release that arrived before the tender
 * notice) maps to no rows: its releases are kept and the rows appear once the tender notice arrives.
 */
import { arrayLiteral, type Cell } from '#platform/db/bulk.js';
import type { FeedError } from '#platform/feed/types.js';
import { monthOf } from '#platform/period.js';
import { idText, isObject, type JsonObject } from './compile.js';
import { clip, instant, list, money, obj, text } from './cells.js';
import { tenderCategory, tenderMethod } from './method.js';
import { partyUscc } from './parties.js';
import type { ProcessRows } from '../tables.js';

export { PROCESS_TABLES, type ProcessRows, type ProcessTable } from '../tables.js';

/** What the directory said when the releases were fed: the buyer's region, the suppliers' 成立日期. */
export interface DirectoryFacts {
  hospital: { code: string; regionCode: string };
  /** USCC → registeredOn (YYYY-MM-DD) or null when the directory does not know it. */
  registeredOn: Record<string, string | null>;
}

export type Mapped = { ok: true; rows: ProcessRows } | { ok: false; error: FeedError };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const required = (field: string): Mapped => ({ ok: false, error: { code: 'REQUIRED', field, message: `${field}: is required` } });
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String) : []);
const earliest = (dates: (Date | null)[]): Date | null =>
  dates.reduce<Date | null>((min, d) => (d !== null && (min === null || d < min) ? d : min), null);

export const emptyRows = (): ProcessRows => ({ tender: [], lot: [], bid: [], committee_member: [], award: [], contract: [], party: [] });

interface Scope {
  ocid: string;
  hospital: string;
  region: string;
  month: string;
}

/** Rows of one compiled record, or the first reason it cannot be mapped. */
export function mapRecord(record: JsonObject, facts: DirectoryFacts): Mapped {
  const rows = emptyRows();
  const tender = record['tender'];
  if (!isObject(tender) || (tender['procurementMethod'] == null && tender['procurementMethodDetails'] == null)) return { ok: true, rows };
  const ocid = idText(record['ocid']);
  const releaseDate = instant(record['date']);
  if (releaseDate === null) return required('date');
  const start = instant(obj(tender['tenderPeriod'])['startDate']);
  const scope: Scope = { ocid, hospital: facts.hospital.code, region: facts.hospital.regionCode, month: monthOf(start ?? releaseDate) };
  const tenderRow = mapTender(record, tender, scope, releaseDate);
  if (!Array.isArray(tenderRow)) return tenderRow;
  rows.tender.push(tenderRow);
  rows.lot = list(tender['lots']).map((l) => [ocid, idText(l['id']), text(l['title']), money(l['value'])[0], clip(text(l['status']), 16)]);
  const parts = [mapBids(record, scope), mapCommittee(tender, scope), mapAwards(record, scope, facts)];
  for (const [i, part] of parts.entries()) {
    if (!Array.isArray(part)) return part;
    rows[(['bid', 'committee_member', 'award'] as const)[i]!] = part;
  }
  rows.contract = list(record['contracts']).map((c) => [
    ocid,
    idText(c['id']),
    scope.hospital,
    scope.region,
    text(c['awardID']),
    ...money(c['value']),
    instant(c['dateSigned']),
    text(c['status']),
    JSON.stringify(Array.isArray(c['amendments']) ? c['amendments'] : []),
  ]);
  rows.party = list(record['parties']).map((p) => mapParty(record, p, ocid));
  return { ok: true, rows };
}

function mapTender(record: JsonObject, tender: JsonObject, scope: Scope, releaseDate: Date): Cell[] | Mapped {
  const method = tenderMethod(tender);
  if (!method.ok) return method;
  const category = tenderCategory(tender);
  if (!category.ok) return category;
  const title = text(tender['title']);
  if (!title) return required('tender.title');
  const status = text(tender['status']);
  if (!status) return required('tender.status');
  const period = obj(tender['tenderPeriod']);
  const classification = text(obj(list(tender['items'])[0]?.['classification'])['id']);
  const awardDate = earliest(list(record['awards']).map((a) => instant(a['date'])));
  const contractDate = earliest(list(record['contracts']).map((c) => instant(c['dateSigned'])));
  const tenderers = tender['numberOfTenderers'];
  return [
    scope.ocid,
    scope.hospital,
    scope.region,
    title,
    category.category,
    method.method,
    method.ocds,
    method.details,
    text(tender['awardCriteria']),
    ...money(tender['value']),
    status,
    clip(classification, 16),
    instant(period['startDate']),
    instant(period['endDate']),
    instant(obj(tender['bidOpening'])['date']),
    awardDate,
    contractDate,
    typeof tenderers === 'number' ? tenderers : null,
    scope.month,
    releaseDate,
  ];
}

function mapBids(record: JsonObject, scope: Scope): Cell[][] | Mapped {
  const out: Cell[][] = [];
  for (const [i, bid] of list(obj(record['bids'])['details']).entries()) {
    const status = text(bid['status']);
    if (!status) return required(`bids.details[${i}].status`);
    const usccs = list(bid['tenderers']).map((t) => partyUscc(record, t) ?? '');
    const id = idText(bid['id']);
    const reason = status === 'disqualified' ? text(bid['statusDetails']) : null;
    out.push([
      `${scope.ocid}/${id}`,
      scope.ocid,
      id,
      scope.hospital,
      scope.region,
      ids(bid['relatedLots'])[0] ?? null,
      arrayLiteral(usccs),
      ...money(bid['value']),
      instant(bid['date']),
      status.toUpperCase(),
      reason,
      scope.month,
    ]);
  }
  return out;
}

function mapCommittee(tender: JsonObject, scope: Scope): Cell[][] | Mapped {
  const out: Cell[][] = [];
  for (const [i, m] of list(tender['evaluationCommittee']).entries()) {
    const field = `tender.evaluationCommittee[${i}]`;
    const staffId = text(m['staffId']);
    const name = text(m['name']);
    if (text(m['id']) === null) return required(`${field}.id`);
    if (staffId !== null && !UUID.test(staffId)) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_STAFF', field: `${field}.staffId`, message: `${field}.staffId: not a directory Staff id (a UUID)` },
      };
    }
    if (staffId === null && !name) return required(`${field}.staffId`);
    out.push([
      scope.ocid,
      idText(m['id']),
      scope.hospital,
      scope.region,
      staffId,
      staffId === null ? name : null,
      clip(text(m['role']), 32),
    ]);
  }
  return out;
}

/** A consortium's registration date is its youngest member's: the new-company flag asks whether any member is new. */
function latestRegistration(usccs: string[], facts: DirectoryFacts): string | null {
  const dates = usccs.map((u) => facts.registeredOn[u] ?? null).filter((d): d is string => d !== null);
  return dates.length === 0 ? null : dates.reduce((a, b) => (b > a ? b : a));
}

function mapAwards(record: JsonObject, scope: Scope, facts: DirectoryFacts): Cell[][] | Mapped {
  const out: Cell[][] = [];
  for (const [i, award] of list(record['awards']).entries()) {
    const status = text(award['status']);
    if (!status) return required(`awards[${i}].status`);
    const usccs = list(award['suppliers']).map((s) => partyUscc(record, s) ?? '');
    const id = idText(award['id']);
    out.push([
      `${scope.ocid}/${id}`,
      scope.ocid,
      id,
      scope.hospital,
      scope.region,
      ids(award['relatedLots'])[0] ?? null,
      arrayLiteral(usccs),
      ...money(award['value']),
      instant(award['date']),
      status,
      arrayLiteral(ids(award['relatedBids'])),
      latestRegistration(usccs, facts),
      scope.month,
    ]);
  }
  return out;
}

function mapParty(record: JsonObject, party: JsonObject, ocid: string): Cell[] {
  const address = obj(party['address']);
  const joined = ['countryName', 'region', 'locality', 'streetAddress', 'postalCode'].map((k) => text(address[k])).filter((s) => s);
  const contact = obj(party['contactPoint']);
  return [
    ocid,
    idText(party['id']),
    text(party['name']) ?? '',
    arrayLiteral(ids(party['roles'])),
    partyUscc(record, party),
    joined.length > 0 ? joined.join(' ') : null,
    text(contact['name']),
    clip(text(contact['telephone']), 32),
    text(contact['email']),
  ];
}
