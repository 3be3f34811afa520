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

/** A deterministic city-year: 30 hospitals, 300 suppliers, `bidsPerTender` bids each, order lines over 12 months. */
export function cityYear(tenders: number, bidsPerTender: number, lines: number) {
  const ts: TenderFact[] = [];
  const bs: BidFact[] = [];
  const as: AwardFact[] = [];
  const categories = ['DRUG', 'CONSUMABLE', 'EQUIPMENT', 'CONSTRUCTION', 'SERVICE'] as const;
  for (let i = 0; i < tenders; i++) {
    const ocid = `ocds-city-${i}`;
    const hospitalCode = `1233050${String(i % 30).padStart(2, '0')}MB00000X`.slice(0, 18);
    const month = `2025-${String((i % 12) + 1).padStart(2, '0')}`;
    const start = at(`${month}-01`);
    const scope = { hospitalCode, month };
    ts.push(
      tender(ocid, {
        ...scope,
        category: categories[i % 5]!,
        classification: String(10 + (i % 40)),
        tenderStart: start,
        tenderEnd: addDays(start, i % 50 === 0 ? 10 : 25),
        awardDate: addDays(start, 40),
        numberOfTenderers: bidsPerTender,
      }),
    );
    for (let j = 0; j < bidsPerTender; j++) {
      bs.push(
        bid(ocid, `b${j}`, uscc((i * 7 + j * 13) % 300), 1_000_000 + ((i * 31 + j * 17) % 97) * 1_000, {
          ...scope,
          receivedAt: addDays(start, 20),
        }),
      );
    }
    as.push(award(ocid, uscc((i * 7) % 300), 1_000_000 + ((i * 31) % 97) * 1_000, { ...scope, date: addDays(start, 40) }));
  }
  const ls: PurchaseOrderLineFact[] = [];
  for (let k = 0; k < lines; k++) {
    const month = `2025-${String((k % 12) + 1).padStart(2, '0')}`;
    ls.push(
      line(`PO${Math.floor(k / 10)}`, k % 10, {
        month,
        orderedAt: at(`${month}-15`),
        genericGroup: `G${k % 500}`,
        unitPrice: k % 1_000 === 0 ? 6 : 5,
      }),
    );
  }
  return facts({ tenders: ts, bids: bs, awards: as, orderLines: ls });
}

/** One process per ratio: the winner W bids 100, the loser L bids 100·(1 + ratio) (dyadic ratios keep the figures exact). */
export function priceProcesses(ratios: number[]) {
  const tenders: TenderFact[] = [];
  const bids: BidFact[] = [];
  const awards: AwardFact[] = [];
  ratios.forEach((ratio, i) => {
    const ocid = `p${i}`;
    const [w, l] = [uscc(100 + 2 * i), uscc(101 + 2 * i)];
    tenders.push(tender(ocid));
    bids.push(bid(ocid, 'w', w, 100), bid(ocid, 'l', l, 100 * (1 + ratio)));
    awards.push(award(ocid, w, 100));
  });
  return facts({ tenders, bids, awards });
}
