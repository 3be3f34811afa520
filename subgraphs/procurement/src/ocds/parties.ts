/**
 * Who a compiled record refers to in the directory: the buyer hospital (its CN-USCC code), the
 * tenderers and suppliers (their 统一社会信用代码) and the hospital staff on the evaluation committee.
 * OCDS refers to organisations by party `id` (OrganizationReference); the code is the referenced
 * party's `identifier` with scheme CN-USCC (or one given on the reference itself).
 */
import type { FeedError } from '#platform/feed/types.js';
import { idText, isObject, type Json, type JsonObject } from './compile.js';
import { list, obj, text } from './cells.js';
import { USCC_SCHEME } from './validate.js';

export interface ProcessRefs {
  /** The buyer hospital's code. */
  buyer: string;
  /** Every tenderer / supplier reference, with where it is. */
  suppliers: { uscc: string; field: string }[];
  staff: { id: string; field: string }[];
}

const usccOf = (org: JsonObject): string | null => {
  const identifier = obj(org['identifier']);
  return identifier['scheme'] === USCC_SCHEME ? text(identifier['id']) : null;
};

/**
 * A record's parties by id (the first of an id wins, as a search would find it), built once per record:
 * a process refers to its parties from every bid, award and party row.
 */
const partiesById = new WeakMap<JsonObject, Map<string, JsonObject>>();
function partyIndex(record: JsonObject): Map<string, JsonObject> {
  let index = partiesById.get(record);
  if (!index) {
    index = new Map();
    for (const p of list(record['parties'])) {
      const id = idText(p['id']);
      if (!index.has(id)) index.set(id, p);
    }
    partiesById.set(record, index);
  }
  return index;
}

/**
 * The CN-USCC code of an organisation reference, through `parties` by id. The index is taken when the
 * record is first asked: a record is not changed after it is compiled.
 */
export function partyUscc(record: JsonObject, ref: Json | undefined): string | null {
  if (!isObject(ref)) return null;
  const party = ref['id'] !== undefined ? partyIndex(record).get(idText(ref['id'])) : undefined;
  return (party && usccOf(party)) ?? usccOf(ref);
}

/** The buyer's code: `buyer` through parties, else the party with the role buyer. */
export function buyerCode(record: JsonObject): string | null {
  const byRole = list(record['parties']).find((p) => Array.isArray(p['roles']) && p['roles'].includes('buyer'));
  return partyUscc(record, record['buyer']) ?? (byRole ? usccOf(byRole) : null);
}

/** Tenderer / supplier references by where they sit: bids.details[i].tenderers[j], awards[i].suppliers[j]. */
export function organisationRefs(record: JsonObject): { ref: Json; field: string }[] {
  const out: { ref: Json; field: string }[] = [];
  list(obj(record['bids'])['details']).forEach((bid, i) =>
    list(bid['tenderers']).forEach((ref, j) => out.push({ ref, field: `bids.details[${i}].tenderers[${j}]` })),
  );
  list(record['awards']).forEach((award, i) =>
    list(award['suppliers']).forEach((ref, j) => out.push({ ref, field: `awards[${i}].suppliers[${j}]` })),
  );
  return out;
}

/** The directory references of a compiled record, or the first one that cannot be one. */
export function processRefs(record: JsonObject): ProcessRefs | FeedError {
  const buyer = buyerCode(record);
  if (!buyer) return { code: 'UNKNOWN_HOSPITAL', field: 'buyer', message: 'buyer: no buyer with a CN-USCC identifier (the hospital code)' };
  const suppliers: ProcessRefs['suppliers'] = [];
  for (const { ref, field } of organisationRefs(record)) {
    const uscc = partyUscc(record, ref);
    if (!uscc) return { code: 'UNKNOWN_SUPPLIER', field, message: `${field}: the party has no CN-USCC identifier` };
    suppliers.push({ uscc, field });
  }
  const staff: ProcessRefs['staff'] = [];
  list(obj(record['tender'])['evaluationCommittee']).forEach((m, i) => {
    const id = text(m['staffId']);
    if (id) staff.push({ id, field: `tender.evaluationCommittee[${i}].staffId` });
  });
  return { buyer, suppliers, staff };
}
