/**
 * Row builders for the rules' tests (not used by the rules): each gives a plausible row of one table,
 * with overrides. Dates are Asia/Shanghai wall-clock (`at('2025-03-01')` = 00:00 +08:00).
 */
import { resolveThresholds } from '#platform/rules/thresholds.js';
import type { AwardFact, BidFact, PartyFact, ProcurementFacts, PurchaseOrderLineFact, TenderFact } from './facts.js';
import { procurementThresholds } from './thresholds.js';

export const HOSPITAL = '12330500MB0000001X';
export const REGION = '330502';

export const at = (day: string, time = '00:00:00') => new Date(`${day}T${time}+08:00`);
export const addDays = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000);
export const uscc = (n: number) => `91330500MA${String(n).padStart(7, '0')}X`;

export function tender(ocid: string, o: Partial<TenderFact> = {}): TenderFact {
  return {
    ocid,
    hospitalCode: HOSPITAL,
    regionCode: REGION,
    title: `项目 ${ocid}`,
    category: 'EQUIPMENT',
    method: 'OPEN_TENDERING',
    ocdsMethod: 'open',
    methodDetails: null,
    awardCriteria: 'priceOnly',
    budget: 1_000_000,
    currency: 'CNY',
    status: 'complete',
    classification: '33',
    tenderStart: at('2025-03-01'),
    tenderEnd: at('2025-03-31'),
    bidOpening: at('2025-03-31'),
    awardDate: at('2025-04-15'),
    contractDate: at('2025-04-20'),
    numberOfTenderers: 3,
    month: '2025-03',
    ...o,
  };
}

export function bid(ocid: string, bidId: string, tenderer: string | string[], amount: number | null, o: Partial<BidFact> = {}): BidFact {
  return {
    ocid,
    bidId,
    hospitalCode: HOSPITAL,
    regionCode: REGION,
    lotId: null,
    tendererUsccs: Array.isArray(tenderer) ? tenderer : [tenderer],
    amount,
    currency: 'CNY',
    receivedAt: at('2025-03-30'),
    status: 'VALID',
    disqualifyReason: null,
    month: '2025-03',
    ...o,
  };
}

export function award(ocid: string, supplier: string | string[], value: number | null, o: Partial<AwardFact> = {}): AwardFact {
  return {
    ocid,
    awardId: `${ocid}-a1`,
    hospitalCode: HOSPITAL,
    regionCode: REGION,
    lotId: null,
    supplierUsccs: Array.isArray(supplier) ? supplier : [supplier],
    value,
    currency: 'CNY',
    date: at('2025-04-15'),
    status: 'active',
    relatedBids: [],
    supplierRegisteredOn: new Date('2015-01-01T00:00:00Z'),
    month: '2025-04',
    ...o,
  };
}

export function party(ocid: string, tenderer: string, o: Partial<PartyFact> = {}): PartyFact {
  return {
    ocid,
    partyId: tenderer,
    name: `企业 ${tenderer}`,
    roles: ['tenderer'],
    uscc: tenderer,
    address: null,
    contactName: null,
    telephone: null,
    email: null,
    ...o,
  };
}

export function line(orderNo: string, lineNo: number, o: Partial<PurchaseOrderLineFact> = {}): PurchaseOrderLineFact {
  return {
    orderNo,
    lineNo,
    hospitalCode: HOSPITAL,
    regionCode: REGION,
    productCode: 'XA01ABD075A002010100',
    productKind: 'DRUG',
    genericGroup: 'XA01ABD075',
    supplierUscc: uscc(900),
    manufacturerUscc: uscc(901),
    quantity: 10,
    unitPrice: 5,
    amount: 50,
    orderedAt: at('2025-05-10', '10:00:00'),
    vbpSelected: true,
    listedPrice: 5,
    invoices: ['INV-M', 'INV-D'],
    month: '2025-05',
    ...o,
  };
}

export function facts(o: Partial<ProcurementFacts> = {}): ProcurementFacts {
  return {
    tenders: [],
    lots: [],
    bids: [],
    committeeMembers: [],
    awards: [],
    contracts: [],
    parties: [],
    orderLines: [],
    vbpAgreements: [],
    sanctions: [],
    asOf: at('2026-03-01'),
    ...o,
  };
}

/** The resolved thresholds for our test region, national by default. */
export const thresholds = (version?: string) =>
  resolveThresholds(procurementThresholds, { regionCode: REGION, ...(version ? { version } : {}) });
