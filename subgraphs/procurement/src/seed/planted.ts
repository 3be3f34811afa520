import { type Category, day2025, type Process, type Sanction } from './model.js';
import type { BidInput, Env, HospitalFact, ProcessSpec } from './process.js';
import { buildProcess } from './process.js';

/**
 * One planted case of the seed manifest: a record a rule must flag (`flag`) or, a near miss, must leave alone (`clear`).
 * `ref` names the record as the flags do: `Tender:<ocid>`, `Supplier:<uscc>`, `Hospital:<code>` (a buyer, R038),
 * `PurchaseOrderLine:<orderNo>/<lineNo>`, `Staff:<id>`, `VbpAgreement:<hospitalCode>/<genericGroup>/<year>`.
 */
export interface PlantedCase {
  code: string;
  ref: string;
  expect: 'flag' | 'clear';
  note: string;
}

/** Every flag code the seed plants a positive and a near miss for. */
export const PLANTED_CODES = [
  'R003', 'R018', 'R024', 'R025', 'R028', 'R030', 'R035', 'R036', 'R038', 'R044', 'R048', 'R055', 'R058',
  'PROC_AWARD_AT_BUDGET', 'PROC_DECISION_PERIOD', 'PROC_NEW_SUPPLIER', 'PROC_ABOVE_LISTED_PRICE', 'PROC_VBP_SUBSTITUTION',
  'PROC_VBP_SHORTFALL', 'PROC_METHOD_THRESHOLD', 'PROC_SANCTIONED_SUPPLIER', 'PROC_INVOICE_CHAIN', 'PROC_COMMITTEE_REPEAT',
  'PROC_BID_ROTATION',
] as const; // prettier-ignore

/** The planted hospitals: each carries only planted data, so the random background cannot blur a case. */
export interface PlantedHospitals {
  /** Most tender and order cases. */
  main: HospitalFact;
  /** The R048 cohort: suppliers with ≥ 20 awards each. */
  cohort: HospitalFact;
  /** The buyer that disqualifies most bids (R038). */
  disqualifier: HospitalFact;
}

/** What the planting modules share. */
export interface Planter {
  env: Env;
  hospitals: PlantedHospitals;
  pools: Map<Category, string[]>;
  processes: Process[];
  sanctions: Sanction[];
  cases: PlantedCase[];
  /** Suppliers registered too recently for the background (PROC_NEW_SUPPLIER candidates). */
  reservedNew: string[];
  /** A reserved supplier (never in the background) of one of `kinds`. */
  take(kinds?: readonly string[]): string;
}

export function createPlanter(
  env: Env,
  hospitals: PlantedHospitals,
  pools: Map<Category, string[]>,
  reserved: { established: string[]; recent: string[] },
): Planter {
  const left = [...reserved.established];
  return {
    env,
    reservedNew: [...reserved.recent],
    hospitals,
    pools,
    processes: [],
    sanctions: [],
    cases: [],
    take(kinds) {
      const i = left.findIndex((u) => !kinds || kinds.includes(env.suppliers.get(u)!.kind));
      if (i < 0) throw new Error(`procurement seed: no reserved supplier of kind ${kinds?.join('/')} left to plant with`);
      return left.splice(i, 1)[0]!;
    },
  };
}

/** Background suppliers of a category to stand beside a planted winner (one losing bid each barely moves their figures). */
export function fillers(p: Planter, category: Category, n: number): string[] {
  const pool = p.pools.get(category) ?? [];
  const out = new Set<string>();
  while (out.size < Math.min(n, pool.length)) out.add(p.env.rng.pick(pool));
  return [...out];
}

/** Deterministic clean prices: winner 85 % of budget, then 5 %, 10 %, 13 % above it — all valid, none identical. */
export function cleanBids(budget: number, winner: string, others: string[]): BidInput[] {
  const win = Math.round(budget * 0.85);
  const steps = [0.05, 0.1, 0.13, 0.16, 0.19];
  return [{ supplier: winner, amount: win }, ...others.map((supplier, i) => ({ supplier, amount: Math.round(win * (1 + steps[i]!)) }))];
}

export type CleanSpec = Partial<ProcessSpec> & { winner: string; day: number };

/**
 * A clean 公开招标 of the main planted hospital (25-day period, decision 20 days, contract 14 days later, four valid bids,
 * winner lowest under budget) with the overrides of one case: only the planted property differs from a quiet tender.
 */
export function plantTender(p: Planter, spec: CleanSpec): Process {
  const category = spec.category ?? 'CONSUMABLE';
  const budget = spec.budget ?? 1_000_000;
  const full: ProcessSpec = {
    hospital: p.hospitals.main,
    category,
    method: 'OPEN_TENDERING',
    budget,
    start: day2025(spec.day),
    periodDays: 25,
    decisionDays: 20,
    contractDays: 14,
    bids:
      spec.bids ??
      cleanBids(
        budget,
        spec.winner,
        fillers(p, category, 4)
          .filter((s) => s !== spec.winner)
          .slice(0, 3),
      ),
    ...spec,
  };
  const process = buildProcess(p.env, full);
  p.processes.push(process);
  return process;
}

export function note(p: Planter, code: string, ref: string, expect: 'flag' | 'clear', text: string): void {
  p.cases.push({ code, ref, expect, note: text });
}

export const tenderRef = (process: Process) => `Tender:${process.ocid}`;
