/**
 * The rules' input: the procurement tables as plain objects (columns in camelCase, money as number,
 * dates as Date), loaded by the caller for one evaluation scope (e.g. a city-year). The rules are pure:
 * they read these, never the database.
 */

export type TenderCategory = 'DRUG' | 'CONSUMABLE' | 'EQUIPMENT' | 'CONSTRUCTION' | 'SERVICE';
export type TenderMethod =
  | 'OPEN_TENDERING'
  | 'INVITED_TENDERING'
  | 'COMPETITIVE_NEGOTIATION'
  | 'COMPETITIVE_CONSULTATION'
  | 'SINGLE_SOURCE'
  | 'REQUEST_FOR_QUOTATION';

export interface TenderFact {
  ocid: string;
  hospitalCode: string;
  regionCode: string;
  title: string;
  category: TenderCategory;
  method: TenderMethod;
  /** OCDS procurementMethod: open, selective, limited, direct. */
  ocdsMethod: string;
  methodDetails: string | null;
  awardCriteria: string | null;
  budget: number | null;
  currency: string;
  status: string;
  classification: string | null;
  tenderStart: Date | null;
  tenderEnd: Date | null;
  bidOpening: Date | null;
  awardDate: Date | null;
  contractDate: Date | null;
  numberOfTenderers: number | null;
  month: string;
}

export interface LotFact {
  ocid: string;
  lotId: string;
  title: string | null;
  value: number | null;
  status: string | null;
}

export interface BidFact {
  ocid: string;
  bidId: string;
  hospitalCode: string;
  regionCode: string;
  lotId: string | null;
  tendererUsccs: string[];
  amount: number | null;
  currency: string;
  receivedAt: Date | null;
  /** VALID / DISQUALIFIED (or OCDS pending, invited, withdrawn) — compared case-insensitively. */
  status: string;
  disqualifyReason: string | null;
  month: string;
}

export interface CommitteeMemberFact {
  ocid: string;
  memberId: string;
  hospitalCode: string;
  regionCode: string;
  staffId: string | null;
  expertName: string | null;
  role: string | null;
}

export interface AwardFact {
  ocid: string;
  awardId: string;
  hospitalCode: string;
  regionCode: string;
  lotId: string | null;
  supplierUsccs: string[];
  value: number | null;
  currency: string;
  date: Date | null;
  /** OCDS awardStatus: pending, active, cancelled, unsuccessful — compared case-insensitively. */
  status: string;
  relatedBids: string[];
  /** 成立日期 of the winner (directory), for PROC_NEW_SUPPLIER. */
  supplierRegisteredOn: Date | null;
  month: string;
}

export interface ContractFact {
  ocid: string;
  contractId: string;
  hospitalCode: string;
  regionCode: string;
  awardId: string | null;
  value: number | null;
  currency: string;
  dateSigned: Date | null;
  status: string | null;
  amendments: unknown;
}

export interface PartyFact {
  ocid: string;
  partyId: string;
  name: string;
  roles: string[];
  uscc: string | null;
  address: string | null;
  contactName: string | null;
  telephone: string | null;
  email: string | null;
}

export interface PurchaseOrderLineFact {
  orderNo: string;
  lineNo: number;
  hospitalCode: string;
  regionCode: string;
  productCode: string;
  productKind: string;
  genericGroup: string;
  supplierUscc: string;
  manufacturerUscc: string | null;
  quantity: number;
  unitPrice: number;
  amount: number;
  orderedAt: Date;
  vbpSelected: boolean;
  listedPrice: number | null;
  invoices: string[];
  month: string;
}

export interface VbpAgreementFact {
  hospitalCode: string;
  regionCode: string;
  genericGroup: string;
  year: number;
  agreedQuantity: number;
}

export interface SupplierSanctionFact {
  supplierUscc: string;
  kind: string;
  validFrom: Date;
  validTo: Date | null;
  source: string;
  reference: string | null;
}

export interface ProcurementFacts {
  tenders: TenderFact[];
  lots: LotFact[];
  bids: BidFact[];
  committeeMembers: CommitteeMemberFact[];
  awards: AwardFact[];
  contracts: ContractFact[];
  parties: PartyFact[];
  orderLines: PurchaseOrderLineFact[];
  vbpAgreements: VbpAgreementFact[];
  sanctions: SupplierSanctionFact[];
  /** The evaluation instant: a 集采 year counts as closed (PROC_VBP_SHORTFALL) once it has ended before this. */
  asOf: Date;
}

/** The facts indexed by key once per evaluation (memoised on the facts object), so no rule scans in O(n²). */
export interface FactIndex {
  tenders: TenderFact[];
  bidsByOcid: Map<string, BidFact[]>;
  awardsByOcid: Map<string, AwardFact[]>;
  committeeByOcid: Map<string, CommitteeMemberFact[]>;
  partiesByOcid: Map<string, PartyFact[]>;
  lotsByKey: Map<string, LotFact>;
  sanctionsBySupplier: Map<string, SupplierSanctionFact[]>;
}

const cache = new WeakMap<ProcurementFacts, FactIndex>();

export function indexFacts(facts: ProcurementFacts): FactIndex {
  let index = cache.get(facts);
  if (index === undefined) {
    index = {
      tenders: facts.tenders,
      bidsByOcid: groupBy(facts.bids, (b) => b.ocid),
      awardsByOcid: groupBy(facts.awards, (a) => a.ocid),
      committeeByOcid: groupBy(facts.committeeMembers, (m) => m.ocid),
      partiesByOcid: groupBy(facts.parties, (p) => p.ocid),
      lotsByKey: new Map(facts.lots.map((l) => [`${l.ocid}/${l.lotId}`, l])),
      sanctionsBySupplier: groupBy(facts.sanctions, (s) => s.supplierUscc),
    };
    cache.set(facts, index);
  }
  return index;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
