/**
 * Per-tenderer results (R025, R038 per tenderer, R048) are about a supplier across all buyers, but every
 * stored finding carries a hospital and region for row scope. So a supplier-level result is emitted once
 * per (supplier, buyer hospital) the supplier submitted a bid to (or, for R048, was awarded by), each with the same figures; its month is
 * the latest month the supplier bid at that hospital. A hospital's officer thus sees the finding about a
 * supplier who bid at their hospital, and nothing about other hospitals.
 */
import type { FindingRow } from '#platform/rules/finding.js';
import type { FactIndex } from './facts.js';
import { finding, type ProcurementRule } from './rule.js';
import { isActive, submittedBids } from './cardinal.js';

interface Seat {
  regionCode: string;
  month: string;
}

const cache = new WeakMap<FactIndex, Map<string, Map<string, Seat>>>();

/** supplier → buyer hospital → its region and the latest month of the supplier's bids there. */
export function buyersOfTenderers(index: FactIndex): Map<string, Map<string, Seat>> {
  const cached = cache.get(index);
  if (cached !== undefined) return cached;
  const seats = new Map<string, Map<string, Seat>>();
  const seat = (uscc: string, row: { hospitalCode: string; regionCode: string; month: string }) => {
    let byHospital = seats.get(uscc);
    if (byHospital === undefined) seats.set(uscc, (byHospital = new Map<string, Seat>()));
    const current = byHospital.get(row.hospitalCode);
    if (current === undefined || current.month < row.month)
      byHospital.set(row.hospitalCode, { regionCode: row.regionCode, month: row.month });
  };
  for (const bids of index.bidsByOcid.values())
    for (const bid of submittedBids(bids)) for (const uscc of bid.tendererUsccs) seat(uscc, bid);
  // R048's tenderers are award suppliers, who may have no bid on record (e.g. a 单一来源 award).
  for (const awards of index.awardsByOcid.values())
    for (const award of awards) if (isActive(award)) for (const uscc of award.supplierUsccs) seat(uscc, award);
  cache.set(index, seats);
  return seats;
}

/** The result about one tenderer as one finding per buyer hospital it bid at (subject 'tenderer:<uscc>@<hospitalCode>'). */
export function tendererFindings(
  rule: ProcurementRule<never>,
  version: string,
  index: FactIndex,
  uscc: string,
  parts: { evidence: Record<string, unknown>; explanation: string },
): FindingRow[] {
  const seats = buyersOfTenderers(index).get(uscc) ?? new Map<string, Seat>();
  return [...seats].map(([hospitalCode, seat]) =>
    finding(
      rule,
      version,
      { hospitalCode, ...seat },
      { subjectKey: `tenderer:${uscc}@${hospitalCode}`, refs: [`Supplier:${uscc}`], ...parts },
    ),
  );
}
