import { day2025, type Process } from './model.js';
import { buildProcess, party } from './process.js';
import { fillers, note, type Planter } from './planted.js';
import { DIVISIONS } from './vocabulary.js';
import { priceBids } from './world.js';

const EQUIP = ['DEVICE', 'CONSUMABLE'] as const;
/** R048's population in DOMAIN.md: suppliers with at least 20 awards. */
const COHORT_AWARDS = 20;
/** Varieties of the R048 cohort: the positive supplies 20 divisions, the rest 1–3 (the second, 2, is the near miss at the median). */
const COHORT_VARIETY = [20, 2, 1, 2, 2, 3, 3, 3, 1];
const MEDICAL_DIVISIONS = ['33', '38', '30'];

/**
 * R048: nine reserved suppliers with 20 awards each at the cohort hospital, against an open field of background bidders;
 * the positive's awards span 20 CPV divisions, far above any fence of varieties 1–3.
 */
export function plantCohort(p: Planter): void {
  const members = COHORT_VARIETY.map(() => p.take());
  members.forEach((winner, k) => {
    const variety = COHORT_VARIETY[k]!;
    const divisions =
      k === 0 ? DIVISIONS.slice(0, variety) : MEDICAL_DIVISIONS.slice(0, variety).map((d) => DIVISIONS.find(([x]) => x === d)!);
    for (let j = 0; j < COHORT_AWARDS; j++) {
      const [division, category] = divisions[j % divisions.length]!;
      const others = fillers(p, category, 2);
      p.processes.push(
        buildProcess(p.env, {
          hospital: p.hospitals.cohort,
          category,
          method: 'OPEN_TENDERING',
          budget: 1_000_000,
          cpv: `${division}000000`,
          start: day2025(5 + ((k * COHORT_AWARDS + j) % 280)),
          periodDays: 25,
          decisionDays: 20,
          bids: priceBids(p.env.rng, 1_000_000, winner, others),
          winner,
        }),
      );
    }
  });
  note(p, 'R048', `Supplier:${members[0]}`, 'flag', `${COHORT_AWARDS} 个中标项目分属 20 个 CPV 大类`);
  note(p, 'R048', `Supplier:${members[1]}`, 'clear', `${COHORT_AWARDS} 个中标项目分属 2 个 CPV 大类（中位）`);
}

/** R038: a buyer that disqualifies 3 of every 5 bids, and a tenderer disqualified in all six of its bids. */
export function plantDisqualifier(p: Planter): void {
  const loser = p.take(EQUIP);
  for (let i = 0; i < 6; i++) {
    const [w, v, d1, d2] = fillers(p, 'CONSUMABLE', 4) as [string, string, string, string];
    const dq = (supplier: string, amount: number, reason: string) => ({ supplier, amount, status: 'DISQUALIFIED' as const, reason });
    p.processes.push(
      buildProcess(p.env, {
        hospital: p.hospitals.disqualifier,
        category: 'CONSUMABLE',
        method: 'OPEN_TENDERING',
        budget: 1_000_000,
        start: day2025(20 + i * 45),
        periodDays: 25,
        decisionDays: 20,
        bids: [
          { supplier: w, amount: 850_000 },
          { supplier: v, amount: 892_500 },
          dq(loser, 930_000, '资格不符'),
          dq(d1, 960_000, '未按要求密封'),
          dq(d2, 990_000, '技术参数不满足要求'),
        ],
        winner: w,
      }),
    );
  }
  note(p, 'R038', `Hospital:${p.hospitals.disqualifier.code}`, 'flag', '该采购人 30 份投标中否决 18 份（60%）');
  note(p, 'R038', `Supplier:${loser}`, 'flag', '该投标人 6 次投标全部被否决');
}

/**
 * R025: a cover bidder with twice the bids of the busiest background supplier, every one valid and losing (priced between
 * the second-lowest and the rest, so R024 and R028 see nothing new), added to background goods tenders.
 */
export function plantCoverBidder(p: Planter, background: Process[]): void {
  const cover = p.take(EQUIP);
  const counts = validBidCounts(background);
  const target = 2 * Math.max(0, ...counts.values()) + 5;
  const eligible = background.filter((t) => (t.category === 'CONSUMABLE' || t.category === 'EQUIPMENT') && t.method !== 'SINGLE_SOURCE');
  for (const t of eligible.slice(0, target)) {
    const valid = t.bids.filter((b) => b.status === 'VALID').map((b) => b.amount).sort((a, b) => a - b);
    const used = new Set(t.bids.map((b) => b.amount));
    let amount = Math.round(valid[1]! * 1.01);
    while (used.has(amount)) amount += 1;
    t.bids.push({ id: `${t.ocid}-bid-${t.bids.length + 1}`, supplier: cover, amount, receivedAt: new Date(t.tenderEnd.getTime() - 7_200_000), status: 'VALID', reason: null });
    t.parties.set(cover, party(p.env, cover));
  }
  note(p, 'R025', `Supplier:${cover}`, 'flag', `${Math.min(target, eligible.length)} 次有效投标、0 次中标（陪标）`);
} // prettier-ignore

export function validBidCounts(processes: Process[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of processes) for (const b of t.bids) if (b.status === 'VALID') counts.set(b.supplier, (counts.get(b.supplier) ?? 0) + 1);
  return counts;
}

/** The key whose value is nearest the median, among `keys` (ties: the first in order) — a near miss inside any fence. */
function nearestMedian(values: Map<string, number>, keys: string[]): string | undefined {
  const sorted = keys.map((k) => values.get(k)!).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median === undefined) return undefined;
  return [...keys].sort((a, b) => Math.abs(values.get(a)! - median) - Math.abs(values.get(b)! - median) || a.localeCompare(b))[0];
}

/** Near misses taken from the background itself: a busy tenderer with the median win ratio (R025), median disqualification (R038). */
export function plantMedianNearMisses(p: Planter, background: Process[], hospitals: string[]): void {
  const valid = validBidCounts(background);
  const wins = new Map<string, number>();
  const submitted = new Map<string, number>();
  const dq = new Map<string, number>();
  const byBuyer = new Map<string, [number, number]>();
  for (const t of background) {
    const w = t.bids.find((b) => b.id === t.winnerBidId)!.supplier;
    wins.set(w, (wins.get(w) ?? 0) + 1);
    const buyer = byBuyer.get(t.hospitalCode) ?? [0, 0];
    for (const b of t.bids) {
      submitted.set(b.supplier, (submitted.get(b.supplier) ?? 0) + 1);
      if (b.status === 'DISQUALIFIED') dq.set(b.supplier, (dq.get(b.supplier) ?? 0) + 1);
      buyer[0] += 1;
      buyer[1] += b.status === 'DISQUALIFIED' ? 1 : 0;
    }
    byBuyer.set(t.hospitalCode, buyer);
  }
  const counts = [...valid.values()].sort((a, b) => a - b);
  const q3 = counts[Math.ceil(counts.length * 0.75)] ?? 0;
  const ratio = new Map([...valid].map(([s, n]) => [s, (wins.get(s) ?? 0) / n]));
  const busy = nearestMedian(
    ratio,
    [...valid.keys()].filter((s) => valid.get(s)! > q3),
  );
  if (busy)
    note(
      p,
      'R025',
      `Supplier:${busy}`,
      'clear',
      `有效投标 ${valid.get(busy)} 次（≥ 75 分位），中标率 ${ratio.get(busy)!.toFixed(2)}（中位）`,
    );
  const dqRatio = new Map([...submitted].map(([s, n]) => [s, (dq.get(s) ?? 0) / n]));
  const tenderer = nearestMedian(
    dqRatio,
    [...submitted.keys()].filter((s) => submitted.get(s)! >= 10),
  );
  if (tenderer)
    note(
      p,
      'R038',
      `Supplier:${tenderer}`,
      'clear',
      `投标 ${submitted.get(tenderer)} 次，被否决比例 ${dqRatio.get(tenderer)!.toFixed(2)}（中位）`,
    );
  const buyerRatio = new Map([...byBuyer].map(([h, [n, d]]) => [h, d / n]));
  const buyer = nearestMedian(
    buyerRatio,
    hospitals.filter((h) => (byBuyer.get(h)?.[0] ?? 0) >= 20),
  );
  if (buyer) note(p, 'R038', `Hospital:${buyer}`, 'clear', `采购人否决比例 ${buyerRatio.get(buyer)!.toFixed(2)}（中位）`);
}
