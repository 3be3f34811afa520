import type pg from 'pg';
import { bulkLoad, type Cell } from '#platform/db/bulk.js';
import { monthOf } from '#platform/period.js';

/** A PostgreSQL array literal for COPY (text[] columns). */
export const pgArray = (items: readonly string[]): string => `{${items.map((i) => `"${i.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

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
  category?: string;
  method?: string;
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

/**
 * Procurement rows for a test, loaded straight into the procurement schema (the feed path has its
 * own tests): tenders with their bids, awards and committees.
 */
export async function loadTenders(pool: pg.Pool, tenders: TenderSpec[]): Promise<void> {
  const load = (table: string, columns: string[], rows: Cell[][]) =>
    bulkLoad(pool, { schema: 'procurement', table, columns }, rows, 'copy');
  const now = new Date();
  const t: Cell[][] = [];
  const b: Cell[][] = [];
  const a: Cell[][] = [];
  const c: Cell[][] = [];
  for (const s of tenders) {
    const start = s.start ?? new Date('2025-03-01T02:00:00Z');
    const month = monthOf(start);
    const end = s.end ?? new Date(start.getTime() + 25 * 86_400_000);
    t.push([
      s.ocid,
      s.hospitalCode,
      s.regionCode,
      s.title ?? `采购项目 ${s.ocid}`,
      s.category ?? 'EQUIPMENT',
      s.method ?? 'OPEN_TENDERING',
      s.ocdsMethod ?? 'open',
      '公开招标',
      'priceOnly',
      s.budget ?? 1_000_000,
      'CNY',
      'complete',
      '33',
      start,
      end,
      end,
      s.awardDate ?? null,
      null,
      s.bids?.length ?? 0,
      month,
      now,
      now,
      now,
    ]);
    for (const bid of s.bids ?? []) {
      b.push([
        `${s.ocid}/${bid.id}`,
        s.ocid,
        bid.id,
        s.hospitalCode,
        s.regionCode,
        null,
        pgArray(bid.tenderers),
        bid.amount,
        'CNY',
        bid.receivedAt ?? end,
        bid.status ?? 'valid',
        bid.reason ?? null,
        month,
      ]);
      if (s.winners?.includes(bid.id)) {
        a.push([
          `${s.ocid}/A-${bid.id}`,
          s.ocid,
          `A-${bid.id}`,
          s.hospitalCode,
          s.regionCode,
          null,
          pgArray(bid.tenderers),
          bid.amount,
          'CNY',
          s.awardDate ?? new Date(end.getTime() + 10 * 86_400_000),
          'active',
          pgArray([bid.id]),
          null,
          month,
        ]);
      }
    }
    for (const m of s.committee ?? []) {
      c.push([s.ocid, m.id, s.hospitalCode, s.regionCode, m.staffId ?? null, m.expertName ?? null, m.role ?? '评委']);
    }
  }
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
      'created_at',
      'updated_at',
    ],
    t,
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
    b,
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
    a,
  );
  await load('committee_member', ['ocid', 'member_id', 'hospital_code', 'region_code', 'staff_id', 'expert_name', 'role'], c);
}
