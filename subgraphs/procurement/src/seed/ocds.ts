import { MAIN_CATEGORY, METHOD_INFO, type Process } from './model.js';

/** An OCDS party of a process, as the release names it and the `party` table keeps it. */
export interface ProcessParty {
  id: string;
  name: string;
  roles: string[];
  uscc: string;
  streetAddress: string;
  region: string;
  contactName: string;
  telephone: string;
  email: string;
}

/** OCDS party ids: the identifier scheme and id (OCDS 1.1 "Organization identifiers"). */
export const partyId = (uscc: string) => `CN-USCC-${uscc}`;
export const awardId = (p: Process) => `${p.ocid}-award-1`;
export const contractId = (p: Process) => `${p.ocid}-contract-1`;
export const releaseId = (p: Process) => `${p.ocid}-release-1`;

/** The buyer and every tenderer (the winner also a supplier), in bid order. */
export function processParties(p: Process): ProcessParty[] {
  const winner = p.bids.find((b) => b.id === p.winnerBidId)!.supplier;
  const buyer: ProcessParty = {
    id: partyId(p.hospitalCode),
    name: p.buyerName,
    roles: ['buyer', 'procuringEntity'],
    uscc: p.hospitalCode,
    streetAddress: `${p.buyerName}采购办公室`,
    region: p.regionCode,
    contactName: '采购办',
    telephone: `0572-6${p.hospitalCode.slice(-7, -1)}`,
    email: `cgb@h${p.hospitalCode.slice(-8).toLowerCase()}.example.cn`,
  };
  const tenderers = [...p.parties.values()].map((x) => ({
    id: partyId(x.uscc),
    name: x.name,
    roles: x.uscc === winner ? ['tenderer', 'supplier'] : ['tenderer'],
    uscc: x.uscc,
    streetAddress: x.address,
    region: x.regionCode,
    contactName: x.contactName,
    telephone: x.telephone,
    email: x.email,
  }));
  return [buyer, ...tenderers];
}

interface Org {
  id: string;
  name: string;
}
interface Money {
  amount: number;
  currency: string;
}

/** The OCDS 1.1 release the seed writes (the fields it fills, with the hub's tender and bid extensions). */
export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  initiationType: 'tender';
  language: string;
  buyer: Org;
  parties: {
    id: string;
    name: string;
    roles: string[];
    identifier: { scheme: 'CN-USCC'; id: string; legalName: string };
    address: { streetAddress: string; region: string; countryName: string };
    contactPoint: { name: string; telephone: string; email: string };
  }[];
  tender: {
    id: string;
    title: string;
    status: string;
    procurementMethod: string;
    procurementMethodDetails: string;
    mainProcurementCategory: string;
    awardCriteria: string;
    value: Money;
    tenderPeriod: { startDate: string; endDate: string };
    awardPeriod: { startDate: string; endDate: string };
    numberOfTenderers: number;
    tenderers: Org[];
    items: { id: string; description: string; classification: { scheme: 'CPV'; id: string }; quantity: number }[];
    category: string;
    evaluationCommittee: { id: string; staffId?: string; name?: string; role: string }[];
    bidOpening: string;
  };
  bids: {
    details: { id: string; date: string; status: 'valid' | 'disqualified'; value: Money; tenderers: Org[]; statusDetails?: string }[];
  };
  awards: { id: string; status: string; date: string; value: Money; suppliers: Org[]; relatedBids: string[] }[];
  contracts: { id: string; awardID: string; value: Money; dateSigned: string; status: string; amendments: unknown[] }[];
}

const money = (amount: number): Money => ({ amount, currency: 'CNY' });

/**
 * One contracting process as a full OCDS 1.1 release (tender, bids extension, award, contract), with the hub's
 * extensions: `tender.category`, `tender.evaluationCommittee`, `tender.bidOpening` and `bids.details[].statusDetails`.
 * Pure: the same process always gives the same body.
 */
export function toRelease(p: Process): OcdsRelease {
  const parties = processParties(p);
  const org = (uscc: string) => {
    const party = parties.find((x) => x.uscc === uscc)!;
    return { id: party.id, name: party.name };
  };
  const winner = p.bids.find((b) => b.id === p.winnerBidId)!;
  const tenderers = [...new Set(p.bids.map((b) => b.supplier))].map(org);
  return {
    ocid: p.ocid,
    id: releaseId(p),
    date: p.contractDate.toISOString(),
    tag: ['tender', 'award', 'contract'],
    initiationType: 'tender' as const,
    language: 'zh',
    buyer: org(p.hospitalCode),
    parties: parties.map((x) => ({
      id: x.id,
      name: x.name,
      roles: x.roles,
      identifier: { scheme: 'CN-USCC' as const, id: x.uscc, legalName: x.name },
      address: { streetAddress: x.streetAddress, region: x.region, countryName: '中国' },
      contactPoint: { name: x.contactName, telephone: x.telephone, email: x.email },
    })),
    tender: {
      id: `${p.ocid}-tender`,
      title: p.title,
      status: 'complete',
      procurementMethod: METHOD_INFO[p.method].ocds,
      procurementMethodDetails: METHOD_INFO[p.method].zh,
      mainProcurementCategory: MAIN_CATEGORY[p.category],
      awardCriteria: 'priceOnly',
      value: money(p.budget),
      tenderPeriod: { startDate: p.tenderStart.toISOString(), endDate: p.tenderEnd.toISOString() },
      awardPeriod: { startDate: p.tenderEnd.toISOString(), endDate: p.awardDate.toISOString() },
      numberOfTenderers: tenderers.length,
      tenderers,
      items: [{ id: '1', description: p.title, classification: { scheme: 'CPV' as const, id: p.cpv }, quantity: 1 }],
      category: p.category,
      evaluationCommittee: p.committee.map((m) => ({ id: m.id, ...(m.staffId ? { staffId: m.staffId } : {}), ...(m.name ? { name: m.name } : {}), role: m.role })),
      bidOpening: p.tenderEnd.toISOString(),
    },
    bids: {
      details: p.bids.map((b) => ({
        id: b.id,
        date: b.receivedAt.toISOString(),
        status: b.status === 'VALID' ? ('valid' as const) : ('disqualified' as const),
        value: money(b.amount),
        tenderers: [org(b.supplier)],
        ...(b.reason ? { statusDetails: b.reason } : {}),
      })),
    },
    awards: [{ id: awardId(p), status: 'active', date: p.awardDate.toISOString(), value: money(p.awardValue), suppliers: [org(winner.supplier)], relatedBids: [winner.id] }],
    contracts: [{ id: contractId(p), awardID: awardId(p), value: money(p.awardValue), dateSigned: p.contractDate.toISOString(), status: 'active', amendments: [] }],
  };
} // prettier-ignore
