import type { Rng } from '#platform/seed/rng.js';
import { type Category, day2025, type Method, OPEN_TENDER_THRESHOLD, type Process } from './model.js';
import { buildProcess, type BidInput, type Env, type HospitalFact } from './process.js';
import { DISQUALIFY_REASONS, KINDS_FOR } from './vocabulary.js';

/** Tenders per city-year at size 1 (DESIGN.md §6: 2k tenders a year). */
export const TENDERS_PER_CITY = 2_000;
/** Level-3 hospitals buy far more than level-1: relative tender and order volumes. */
export const LEVEL_WEIGHT: Record<string, number> = { LEVEL_3: 12, LEVEL_2: 3, LEVEL_1: 0.6 };

const CATEGORY_MIX: readonly (readonly [Category, number])[] = [
  ['DRUG', 25],
  ['CONSUMABLE', 30],
  ['EQUIPMENT', 25],
  ['CONSTRUCTION', 8],
  ['SERVICE', 12],
];
/** Budget ranges in yuan (log-uniform between them). */
const BUDGET: Record<Category, readonly [number, number]> = {
  DRUG: [200_000, 3_000_000],
  CONSUMABLE: [100_000, 2_000_000],
  EQUIPMENT: [200_000, 8_000_000],
  CONSTRUCTION: [500_000, 20_000_000],
  SERVICE: [100_000, 3_000_000],
};
/** Small budgets: 询价, 竞争性谈判 and 磋商 beside 公开招标; 单一来源 rare. */
const SMALL_METHODS: readonly (readonly [Method, number])[] = [
  ['OPEN_TENDERING', 45],
  ['REQUEST_FOR_QUOTATION', 18],
  ['COMPETITIVE_NEGOTIATION', 14],
  ['COMPETITIVE_CONSULTATION', 18],
  ['INVITED_TENDERING', 3],
  ['SINGLE_SOURCE', 2],
];
/**
 * Tender periods within the national minimums, so the background does not trip R003's national version: 招标投标法
 * art. 24 (≥ 20 days for 招标), 竞争性磋商 ≥ 10 days, 谈判 / 询价 ≥ 3 working days, 单一来源 公示 ≥ 5 working days.
 */
const PERIOD_DAYS: Record<Method, readonly [number, number]> = {
  OPEN_TENDERING: [20, 35],
  INVITED_TENDERING: [20, 30],
  COMPETITIVE_CONSULTATION: [10, 15],
  COMPETITIVE_NEGOTIATION: [5, 10],
  REQUEST_FOR_QUOTATION: [5, 10],
  SINGLE_SOURCE: [7, 9],
};
/** A random discount of each non-leading bid gives a chance for a disqualification beyond 报价超预算. */
const DISQUALIFY_P = 0.05;

const logUniform = (rng: Rng, [lo, hi]: readonly [number, number]) =>
  Math.round(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo))) / 1000) * 1000;

/** Per supplier: bids and wins so far — the winner of a background tender is its bidder with the lowest win ratio. */
export interface Tally {
  bids: Map<string, number>;
  wins: Map<string, number>;
}

function pickDistinct(rng: Rng, pool: readonly string[], n: number): string[] {
  const out = new Set<string>();
  while (out.size < Math.min(n, pool.length)) out.add(rng.pick(pool));
  return [...out];
}

/** Balancing keeps the suppliers' win ratios close together, so a cover bidder (R025) stands out against them. */
function chooseWinner(rng: Rng, tally: Tally, bidders: string[]): string {
  let best = bidders[0]!;
  let bestRatio = Infinity;
  for (const s of bidders) {
    const ratio = (tally.wins.get(s) ?? 0) / ((tally.bids.get(s) ?? 0) + 1) + rng.next() * 1e-6;
    if (ratio < bestRatio) [best, bestRatio] = [s, ratio];
  }
  for (const s of bidders) tally.bids.set(s, (tally.bids.get(s) ?? 0) + 1);
  tally.wins.set(best, (tally.wins.get(best) ?? 0) + 1);
  return best;
}

/**
 * Bid prices: the winner lowest and under budget; the second-lowest 3–7 % above it (a tight R024/R058 distribution whose
 * fences a planted case can clear); the rest 7.5–20 % above, disqualified when over budget (报价超预算) or now and then for
 * another reason — never the lowest bid, and never leaving fewer than two valid bids (R035, R036 stay planted cases).
 */
export function priceBids(rng: Rng, budget: number, winner: string, others: string[]): BidInput[] {
  const win = Math.round(budget * (0.78 + rng.next() * 0.1));
  const used = new Set([win]);
  const unique = (x: number) => {
    let v = Math.round(x);
    while (used.has(v)) v += 1;
    used.add(v);
    return v;
  };
  return [
    { supplier: winner, amount: win },
    ...others.map((supplier, i) => {
      const amount = unique(win * (1 + (i === 0 ? 0.03 + rng.next() * 0.04 : 0.075 + rng.next() * 0.125)));
      if (i > 0 && amount > budget) return { supplier, amount, status: 'DISQUALIFIED' as const, reason: '报价超预算' };
      if (i > 0 && rng.chance(DISQUALIFY_P))
        return { supplier, amount, status: 'DISQUALIFIED' as const, reason: rng.pick(DISQUALIFY_REASONS) };
      return { supplier, amount };
    }),
  ];
}

function method(rng: Rng, budget: number): Method {
  if (budget >= OPEN_TENDER_THRESHOLD) return rng.chance(0.9) ? 'OPEN_TENDERING' : 'INVITED_TENDERING';
  return rng.weighted(SMALL_METHODS);
}

/** Supplier pools per category: the city's suppliers of the matching kinds, minus the ones kept for planted cases. */
export function categoryPools(env: Env, usccs: readonly string[]): Map<Category, string[]> {
  return new Map(
    (Object.keys(KINDS_FOR) as Category[]).map((c) => [c, usccs.filter((u) => KINDS_FOR[c].includes(env.suppliers.get(u)!.kind))]),
  );
}

/** One background tender of a weighted-random hospital. */
function backgroundTender(env: Env, tally: Tally, hospital: HospitalFact, pools: Map<Category, string[]>): Process {
  const { rng } = env;
  let category = rng.weighted(CATEGORY_MIX);
  if ((pools.get(category)?.length ?? 0) < 3) category = 'CONSUMABLE';
  let budget = logUniform(rng, BUDGET[category]);
  const m = method(rng, budget);
  if (m === 'SINGLE_SOURCE') budget = Math.min(budget, rng.int(50, 500) * 1000);
  const open = m === 'OPEN_TENDERING' || m === 'INVITED_TENDERING';
  const n = m === 'SINGLE_SOURCE' ? 1 : open ? rng.int(9, 18) : rng.int(4, 7);
  const bidders = pickDistinct(rng, pools.get(category)!, n);
  const winner = chooseWinner(rng, tally, bidders);
  const bids =
    m === 'SINGLE_SOURCE'
      ? [{ supplier: winner, amount: Math.round(budget * (0.93 + rng.next() * 0.05)) }]
      : priceBids(
          rng,
          budget,
          winner,
          bidders.filter((b) => b !== winner),
        );
  const [lo, hi] = PERIOD_DAYS[m];
  return buildProcess(env, {
    hospital,
    category,
    method: m,
    budget,
    start: day2025(rng.int(3, 250)),
    periodDays: rng.int(lo, hi),
    decisionDays: rng.int(10, 45),
    bids,
    winner,
  });
}

/** The random background of one city: `count` tenders over its hospitals, weighted by level. */
export function backgroundTenders(
  env: Env,
  tally: Tally,
  hospitals: HospitalFact[],
  pools: Map<Category, string[]>,
  count: number,
): Process[] {
  const weighted = hospitals.map((h) => [h, LEVEL_WEIGHT[h.level] ?? 1] as const);
  return Array.from({ length: count }, () => backgroundTender(env, tally, env.rng.weighted(weighted), pools));
}
