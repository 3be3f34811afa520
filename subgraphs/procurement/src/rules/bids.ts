import { indexFacts } from './facts.js';
import { completeAwardsIfFinal, isActive, isDisqualified, isValid, liveTenders, MAIN_CURRENCY, submittedBids } from './cardinal.js';
import type { Thresholds } from './params.js';
import { tenderFinding, type ProcurementRule } from './rule.js';

const suppliers = (usccs: Iterable<string>) => [...new Set(usccs)].sort().map((u) => `Supplier:${u}`);

/**
 * R028 Identical bid prices. Cardinal: different tenderers (as sets) submitted bids with the same amount
 * and currency; those tenderers are flagged too (docs/cli/indicators/R/028.md; src/indicators/r028.rs).
 */
export const r028: ProcurementRule<Thresholds<'R028'>['params']> = {
  code: 'R028',
  title: '不同投标人报价相同',
  source: 'Cardinal R028 (docs/cli/indicators/R/028.md, src/indicators/r028.rs)',
  severity: 'HIGH',
  evaluate(facts, { version }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      const prices = new Map<string, Set<string>>();
      const flagged = new Set<string>();
      const amounts = new Set<number>();
      for (const bid of submittedBids(index.bidsByOcid.get(tender.ocid) ?? [])) {
        const ids = new Set(bid.tendererUsccs);
        if (bid.amount === null || ids.size === 0) continue;
        const key = `${bid.amount}|${bid.currency}`;
        const other = prices.get(key);
        if (other !== undefined && !sameSet(ids, other)) {
          for (const id of [...ids, ...other]) flagged.add(id);
          amounts.add(bid.amount);
        }
        prices.set(key, ids);
      }
      if (flagged.size === 0) return [];
      return [
        tenderFinding(r028, version, tender, {
          refs: suppliers(flagged),
          evidence: { amounts: [...amounts].sort((a, b) => a - b), tenderers: [...flagged].sort() },
          explanation: `${flagged.size} 家投标人报价完全相同（${[...amounts].join('、')} 元）`,
        }),
      ];
    });
  },
};

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/**
 * R030 Late bid won. Cardinal: a valid bid received after the submission deadline (tenderPeriod.endDate)
 * is by a supplier of an active award; those tenderers are flagged too (docs/cli/indicators/R/030.md;
 * src/indicators/r030.rs).
 */
export const r030: ProcurementRule<Thresholds<'R030'>['params']> = {
  code: 'R030',
  title: '逾期投标中标',
  source: 'Cardinal R030 (docs/cli/indicators/R/030.md, src/indicators/r030.rs)',
  severity: 'HIGH',
  evaluate(facts, { version }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      const deadline = tender.tenderEnd;
      const awards = index.awardsByOcid.get(tender.ocid) ?? [];
      const bids = index.bidsByOcid.get(tender.ocid) ?? [];
      if (deadline === null || awards.length === 0 || bids.length === 0) return [];
      const winners = new Set(awards.filter(isActive).flatMap((a) => a.supplierUsccs));
      const late = bids.filter(
        (b) => isValid(b) && b.receivedAt !== null && b.receivedAt > deadline && b.tendererUsccs.some((u) => winners.has(u)),
      );
      if (late.length === 0) return [];
      const lateWinners = late.flatMap((b) => b.tendererUsccs.filter((u) => winners.has(u)));
      const hours = Math.max(...late.map((b) => (b.receivedAt!.getTime() - deadline.getTime()) / 3_600_000));
      return [
        tenderFinding(r030, version, tender, {
          refs: [...late.map((b) => `Bid:${b.ocid}/${b.bidId}`), ...suppliers(lateWinners)],
          evidence: {
            deadline,
            lateBids: late.map((b) => ({ bidId: b.bidId, receivedAt: b.receivedAt })),
            hoursLate: Math.round(hours * 100) / 100,
          },
          explanation: `中标人的投标在截止时间后 ${Math.round(hours * 10) / 10} 小时才送达，仍被接受并中标`,
        }),
      ];
    });
  },
};

/**
 * R035 All except winning bid disqualified. Cardinal: exactly one tenderer has valid bids, it is exactly the
 * set of suppliers of the complete awards, and ≥ threshold (1) other tenderers had bids disqualified; the
 * value is that count, the winner is flagged too (docs/cli/indicators/R/035.md; src/indicators/r035.rs).
 */
export const r035: ProcurementRule<Thresholds<'R035'>['params']> = {
  code: 'R035',
  title: '除中标人外全部废标',
  source: 'Cardinal R035 (docs/cli/indicators/R/035.md, src/indicators/r035.rs)',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    const threshold = Math.max(params.threshold, 1);
    return liveTenders(index).flatMap((tender) => {
      const bids = index.bidsByOcid.get(tender.ocid) ?? [];
      const complete = completeAwardsIfFinal(index.awardsByOcid.get(tender.ocid) ?? [], bids);
      if (complete === null) return [];
      const winners = new Set(complete.flatMap((a) => a.supplierUsccs));
      const valid = new Set(bids.filter(isValid).flatMap((b) => b.tendererUsccs));
      const disqualified = new Set(bids.filter(isDisqualified).flatMap((b) => b.tendererUsccs));
      const [winner] = valid;
      if (valid.size !== 1 || winner === undefined || winners.size !== 1 || !winners.has(winner)) return [];
      const others = [...disqualified].filter((u) => !valid.has(u));
      if (others.length < threshold) return [];
      return [
        tenderFinding(r035, version, tender, {
          refs: [`Supplier:${winner}`],
          evidence: { disqualifiedTenderers: others.length, winner, threshold },
          explanation: `除中标人外其余 ${others.length} 家投标人均被废标`,
        }),
      ];
    });
  },
};

/**
 * R036 Lowest bid disqualified. Cardinal: the process has an active award and a valid bid with an amount,
 * and the lowest submitted bid (main currency; the first on a tie) is disqualified
 * (docs/cli/indicators/R/036.md; src/indicators/r036.rs — the award criteria are not read).
 */
export const r036: ProcurementRule<Thresholds<'R036'>['params']> = {
  code: 'R036',
  title: '最低报价被废标',
  source: 'Cardinal R036 (docs/cli/indicators/R/036.md, src/indicators/r036.rs)',
  severity: 'MEDIUM',
  evaluate(facts, { version }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      if (!(index.awardsByOcid.get(tender.ocid) ?? []).some(isActive)) return [];
      const priced = submittedBids(index.bidsByOcid.get(tender.ocid) ?? []).filter(
        (b) => b.amount !== null && b.currency === MAIN_CURRENCY,
      );
      let lowest = priced[0];
      for (const bid of priced) if (bid.amount! < lowest!.amount!) lowest = bid;
      if (lowest === undefined || !isDisqualified(lowest) || !priced.some(isValid)) return [];
      return [
        tenderFinding(r036, version, tender, {
          refs: [`Bid:${lowest.ocid}/${lowest.bidId}`, ...suppliers(lowest.tendererUsccs)],
          evidence: { lowestBid: lowest.amount, bidId: lowest.bidId, reason: lowest.disqualifyReason },
          explanation: `最低报价 ${lowest.amount} 元的投标被废标${lowest.disqualifyReason ? `（${lowest.disqualifyReason}）` : ''}`,
        }),
      ];
    });
  },
};
