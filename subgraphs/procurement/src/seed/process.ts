import type { Rng } from '#platform/seed/rng.js';
import type { DirectoryFacts } from '../../../directory/src/seed/index.js';
import { addDays, addMinutes, type BidSpec, type Category, type MemberSpec, type Method, type PartyInfo, type Process } from './model.js';
import { CPV, personName, supplierParty } from './vocabulary.js';

export type HospitalFact = DirectoryFacts['hospitals'][number];
export type SupplierFact = DirectoryFacts['suppliers'][number];

/** What every process builder shares: randomness, the directory's keys, and the running tallies that keep the background tame. */
export interface Env {
  rng: Rng;
  suppliers: Map<string, SupplierFact & { index: number }>;
  staffByHospital: Map<string, string[]>;
  /** Staff kept for the planted committee cases: never seated by the allocator. */
  reservedStaff: Set<string>;
  /** `<staffId>|<winnerUscc>` → seats: the allocator keeps every pair below the committee-repeat threshold. */
  seats: Map<string, number>;
  serials: Map<string, number>;
  /** The 全电发票 serial: invoice numbers are unique over the whole world. */
  invoices: { n: number };
}

export function createEnv(facts: DirectoryFacts, rng: Rng): Env {
  const suppliers = new Map(facts.suppliers.map((s, index) => [s.uscc, { ...s, index }]));
  const staffByHospital = new Map<string, string[]>();
  for (const s of facts.staff) {
    const list = staffByHospital.get(s.hospitalCode) ?? [];
    list.push(s.id);
    staffByHospital.set(s.hospitalCode, list);
  }
  return { rng, suppliers, staffByHospital, reservedStaff: new Set(), seats: new Map(), serials: new Map(), invoices: { n: 0 } };
}

export interface BidInput {
  supplier: string;
  amount: number;
  status?: 'VALID' | 'DISQUALIFIED';
  reason?: string;
  /** Minutes after the bid deadline it arrived (R030); default: some time before it. */
  lateMinutes?: number;
}

export interface ProcessSpec {
  hospital: HospitalFact;
  category: Category;
  method: Method;
  budget: number;
  cpv?: string;
  start: Date;
  periodDays: number;
  decisionDays: number;
  contractDays?: number;
  bids: BidInput[];
  winner: string;
  /** Default: the winner's bid. */
  awardValue?: number;
  /** Staff forced onto the committee (planted committee repeat); the rest are allocated. */
  staff?: string[];
  /** Party details overriding the supplier's registered ones in this process (R044). */
  parties?: Map<string, PartyInfo>;
}

/** Below this many seats for one (staff, winner) pair the committee-repeat rule stays quiet (its default count is 3). */
const MAX_BACKGROUND_SEATS = 2;
const STAFF_SEATS = 2;
const EXPERTS = 3;

export function party(env: Env, uscc: string): PartyInfo {
  const s = env.suppliers.get(uscc);
  if (!s) throw new Error(`procurement seed: supplier ${uscc} is not in the directory's facts`);
  return supplierParty(uscc, s.kind, s.index);
}

function nextOcid(env: Env, hospitalCode: string): string {
  const n = (env.serials.get(hospitalCode) ?? 0) + 1;
  env.serials.set(hospitalCode, n);
  return `ocds-hub001-${hospitalCode}-${n}`;
}

/** Two hospital staff (the 采购人代表) and three outside experts; staff chosen so no pair with the winner repeats too often. */
function committee(env: Env, spec: ProcessSpec): MemberSpec[] {
  const forced = spec.staff ?? [];
  const pool = (env.staffByHospital.get(spec.hospital.code) ?? []).filter((id) => !env.reservedStaff.has(id));
  const chosen = [...forced];
  for (let tries = 0; chosen.length < STAFF_SEATS && tries < 50 && pool.length > 0; tries++) {
    const id = env.rng.pick(pool);
    if (chosen.includes(id) || (env.seats.get(`${id}|${spec.winner}`) ?? 0) >= MAX_BACKGROUND_SEATS) continue;
    chosen.push(id);
  }
  for (const id of chosen) env.seats.set(`${id}|${spec.winner}`, (env.seats.get(`${id}|${spec.winner}`) ?? 0) + 1);
  const members: MemberSpec[] = Array.from({ length: EXPERTS }, (_, i) => ({
    id: `M${i + 1}`,
    staffId: null,
    name: personName(env.rng),
    role: i === 0 ? 'CHAIR' : 'EXPERT',
  }));
  chosen.forEach((staffId, i) => members.push({ id: `M${EXPERTS + i + 1}`, staffId, name: null, role: 'BUYER_REPRESENTATIVE' }));
  return members;
}

/** Assemble one contracting process: ids, dates, receipt times, committee and parties from a compact spec. */
export function buildProcess(env: Env, spec: ProcessSpec): Process {
  const ocid = nextOcid(env, spec.hospital.code);
  const tenderEnd = addDays(spec.start, spec.periodDays);
  const awardDate = addDays(tenderEnd, spec.decisionDays);
  const bids: BidSpec[] = spec.bids.map((b) => ({
    id: '',
    supplier: b.supplier,
    amount: b.amount,
    receivedAt: b.lateMinutes ? addMinutes(tenderEnd, b.lateMinutes) : addMinutes(tenderEnd, -env.rng.int(60, 4 * 1440)),
    status: b.status ?? 'VALID',
    reason: b.status === 'DISQUALIFIED' ? (b.reason ?? '资格不符') : null,
  }));
  bids.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  bids.forEach((b, i) => (b.id = `${ocid}-bid-${i + 1}`));
  const winning = bids.find((b) => b.supplier === spec.winner);
  if (!winning) throw new Error(`procurement seed: the winner ${spec.winner} of ${ocid} has no bid`);
  const parties = new Map<string, PartyInfo>();
  for (const b of bids) parties.set(b.supplier, spec.parties?.get(b.supplier) ?? party(env, b.supplier));
  const [cpv, item] = spec.cpv ? [spec.cpv, '采购'] : env.rng.pick(CPV[spec.category]);
  return {
    ocid,
    hospitalCode: spec.hospital.code,
    regionCode: spec.hospital.regionCode,
    buyerName: `医院${spec.hospital.code.slice(-6)}`,
    title: `${item}项目（2025-${String(env.serials.get(spec.hospital.code)).padStart(3, '0')}）`,
    category: spec.category,
    method: spec.method,
    budget: spec.budget,
    cpv,
    tenderStart: spec.start,
    tenderEnd,
    awardDate,
    contractDate: addDays(awardDate, spec.contractDays ?? env.rng.int(7, 30)),
    bids,
    winnerBidId: winning.id,
    awardValue: spec.awardValue ?? winning.amount,
    committee: committee(env, spec),
    parties,
    winnerRegisteredOn: env.suppliers.get(spec.winner)?.registeredOn ?? null,
  };
}
