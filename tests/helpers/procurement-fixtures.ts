import type pg from 'pg';
import { monthOf } from '#platform/period.js';
import { writeFacts } from '../../subgraphs/procurement/src/flags/write-facts.js';
import type { AwardFact, BidFact, CommitteeMemberFact, TenderFact } from '../../subgraphs/procurement/src/rules/facts.js';

export interface BidSpec {
  id: string;
  tenderers: string[];
  amount: number;
  status?: 'valid' | 'disqualified';
  receivedAt?: Date;
  reason?: string;
}

export interface TenderSpec {
  ocid: string;
  hospitalCode: string;
  regionCode: string;
  title?: string;
  category?: TenderFact['category'];
  method?: TenderFact['method'];
  ocdsMethod?: string;
  budget?: number;
  start?: Date;
  end?: Date;
  awardDate?: Date;
  bids?: BidSpec[];
  /** Winning bid ids → an award each, to the bid's tenderers at the bid amount. */
  winners?: string[];
  committee?: { id: string; staffId?: string; expertName?: string; role?: string }[];
}

const DAY = 86_400_000;

/**
 * Procurement rows for a test, loaded straight into the procurement schema (the feed path has its
 * own tests): tenders with their bids, awards and committees, through the flags' own writer.
 */
export async function loadTenders(pool: pg.Pool, specs: TenderSpec[]): Promise<void> {
  const tenders: TenderFact[] = [];
  const bids: BidFact[] = [];
  const awards: AwardFact[] = [];
  const committeeMembers: CommitteeMemberFact[] = [];
  for (const s of specs) {
    const start = s.start ?? new Date('2025-03-01T02:00:00Z');
    const end = s.end ?? new Date(start.getTime() + 25 * DAY);
    const at = { hospitalCode: s.hospitalCode, regionCode: s.regionCode, month: monthOf(start) };
    tenders.push({
      ocid: s.ocid,
      ...at,
      title: s.title ?? `采购项目 ${s.ocid}`,
      category: s.category ?? 'EQUIPMENT',
      method: s.method ?? 'OPEN_TENDERING',
      ocdsMethod: s.ocdsMethod ?? 'open',
      methodDetails: '公开招标',
      awardCriteria: 'priceOnly',
      budget: s.budget ?? 1_000_000,
      currency: 'CNY',
      status: 'complete',
      classification: '33',
      tenderStart: start,
      tenderEnd: end,
      bidOpening: end,
      awardDate: s.awardDate ?? null,
      contractDate: null,
      numberOfTenderers: s.bids?.length ?? 0,
    });
    for (const b of s.bids ?? []) {
      bids.push({
        ocid: s.ocid,
        bidId: b.id,
        ...at,
        lotId: null,
        tendererUsccs: b.tenderers,
        amount: b.amount,
        currency: 'CNY',
        receivedAt: b.receivedAt ?? end,
        status: b.status ?? 'valid',
        disqualifyReason: b.reason ?? null,
      });
      if (s.winners?.includes(b.id)) {
        awards.push({
          ocid: s.ocid,
          awardId: `A-${b.id}`,
          ...at,
          lotId: null,
          supplierUsccs: b.tenderers,
          value: b.amount,
          currency: 'CNY',
          date: s.awardDate ?? new Date(end.getTime() + 10 * DAY),
          status: 'active',
          relatedBids: [b.id],
          supplierRegisteredOn: null,
        });
      }
    }
    for (const m of s.committee ?? []) {
      committeeMembers.push({
        ocid: s.ocid,
        memberId: m.id,
        ...at,
        staffId: m.staffId ?? null,
        expertName: m.expertName ?? null,
        role: m.role ?? '评委',
      });
    }
  }
  await writeFacts(pool, 'procurement', {
    tenders,
    bids,
    awards,
    committeeMembers,
    lots: [],
    contracts: [],
    parties: [],
    orderLines: [],
    vbpAgreements: [],
    sanctions: [],
  });
}
