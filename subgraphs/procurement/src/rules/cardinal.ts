/**
 * What Cardinal's indicators share (cardinal-rs src/lib.rs, src/indicators/util.rs), over our rows:
 * a cancelled process is excluded from every indicator (`is_cancelled_contracting_process`); a bid is
 * *submitted* unless invited or withdrawn (`get_submitted_bids`, docs glossary "submitted"); awards count
 * only once all are final (`get_complete_awards_and_bids_if_all_awards_final`: active kept, cancelled /
 * unsuccessful ignored, anything else such as pending voids the process).
 */
import { round4 } from '#platform/rules/finding.js';
import { cardinalFences, type Fences } from '#platform/rules/fences.js';
import type { AwardFact, BidFact, FactIndex, TenderFact } from './facts.js';

/** Cardinal compares only amounts in the main currency (docs/cli/indicators/index.md); the hub's is CNY. */
export const MAIN_CURRENCY = 'CNY';

export const isCancelled = (tender: TenderFact): boolean => tender.status.toLowerCase() === 'cancelled';
export const bidStatus = (bid: BidFact): string => bid.status.toLowerCase();
export const isValid = (bid: BidFact): boolean => bidStatus(bid) === 'valid';
export const isDisqualified = (bid: BidFact): boolean => bidStatus(bid) === 'disqualified';
export const isActive = (award: AwardFact): boolean => award.status.toLowerCase() === 'active';

export function submittedBids(bids: readonly BidFact[]): BidFact[] {
  return bids.filter((b) => {
    const status = bidStatus(b);
    return status !== 'invited' && status !== 'withdrawn';
  });
}

/** Active awards if every award is final; null if one is pending, or the process has no awards or no bids (no arrays in OCDS). */
export function completeAwardsIfFinal(awards: readonly AwardFact[], bids: readonly BidFact[]): AwardFact[] | null {
  if (awards.length === 0 || bids.length === 0) return null;
  const complete: AwardFact[] = [];
  for (const award of awards) {
    const status = award.status.toLowerCase();
    if (status === 'active') complete.push(award);
    else if (status !== 'cancelled' && status !== 'unsuccessful') return null;
  }
  return complete;
}

/** The single supplier of the single complete award (Cardinal supports only that case, issues #14 and #17), or null. */
export function singleWinner(awards: readonly AwardFact[], bids: readonly BidFact[]): string | null {
  const complete = completeAwardsIfFinal(awards, bids);
  if (complete === null || complete.length !== 1) return null;
  const suppliers = complete[0]!.supplierUsccs;
  return suppliers.length === 1 ? suppliers[0]! : null;
}

/** Tenders Cardinal evaluates: not cancelled. */
export const liveTenders = (index: FactIndex): TenderFact[] => index.tenders.filter((t) => !isCancelled(t));

export interface SecondLowest {
  ratio: number;
  winner: string;
  winnerAmount: number;
  second: string;
  secondAmount: number;
}

const secondLowestCache = new WeakMap<FactIndex, Map<string, SecondLowest>>();

/**
 * (second-lowest valid bid − winning bid) / winning bid per process, for R024 and R058 (cardinal-rs
 * src/indicators/util.rs `SecondLowestBidRatio`): single complete award with one supplier; valid bids with
 * an amount in the main currency and one tenderer; the winner's lowest bid against the lowest other bid
 * (the first seen on a tie); none when the lowest bid did not win (the award criteria were not price only).
 */
export function secondLowestBidRatios(index: FactIndex): Map<string, SecondLowest> {
  const cached = secondLowestCache.get(index);
  if (cached !== undefined) return cached;
  const ratios = new Map<string, SecondLowest>();
  for (const tender of liveTenders(index)) {
    const bids = index.bidsByOcid.get(tender.ocid) ?? [];
    const winner = singleWinner(index.awardsByOcid.get(tender.ocid) ?? [], bids);
    if (winner === null) continue;
    let winnerAmount: number | null = null;
    let second: { uscc: string; amount: number } | null = null;
    for (const bid of bids) {
      if (!isValid(bid) || bid.amount === null || bid.currency !== MAIN_CURRENCY || bid.tendererUsccs.length !== 1) continue;
      const tenderer = bid.tendererUsccs[0]!;
      if (tenderer === winner) {
        if (winnerAmount === null || bid.amount < winnerAmount) winnerAmount = bid.amount;
      } else if (second === null || bid.amount < second.amount) {
        second = { uscc: tenderer, amount: bid.amount };
      }
    }
    if (winnerAmount === null || second === null || second.amount < winnerAmount) continue;
    ratios.set(tender.ocid, {
      ratio: (second.amount - winnerAmount) / winnerAmount,
      winner,
      winnerAmount,
      second: second.uscc,
      secondAmount: second.amount,
    });
  }
  secondLowestCache.set(index, ratios);
  return ratios;
}

/**
 * The peer distribution's fences: Cardinal's raw fences, or none when the hub's guard applies (IQR = 0,
 * `skipWhenIqrZero`) or there is no data. Each indicator still applies Cardinal's own guard on top.
 */
export function peerFences(values: readonly number[], skipWhenIqrZero: boolean): Fences | null {
  const fences = cardinalFences(values);
  return fences === null || (skipWhenIqrZero && fences.iqr === 0) ? null : fences;
}

/** Fences for evidence, rounded as Cardinal's Meta (4 decimals). */
export const fenceEvidence = (fences: Fences | null): Record<string, number> | null =>
  fences === null
    ? null
    : { n: fences.n, q1: round4(fences.q1), q3: round4(fences.q3), lower: round4(fences.lower), upper: round4(fences.upper) };
