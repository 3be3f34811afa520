import type { SeedContext, SubgraphSeed } from '#platform/seed/types.js';
import { recomputeFlags } from '../flags/recompute.js';
import type { DirectoryFacts } from '../../../directory/src/seed/index.js';
import { cityOf, type Process, regionOfUscc, type Sanction } from './model.js';
import { backgroundOrders, indexProducts, ORDER_LINES_PER_CITY, type ProductIndex } from './orders.js';
import { createPlanter, type PlantedCase, type PlantedHospitals, type Planter } from './planted.js';
import { plantCohort, plantCoverBidder, plantDisqualifier, plantMedianNearMisses } from './planted-fences.js';
import { plantCommittee, plantDirectAwards, plantRotation, plantSanctions } from './planted-methods.js';
import { plantOrders } from './planted-orders.js';
import { plantBidStatus, plantContacts, plantPeriods, plantPrices, plantWinners } from './planted-tenders.js';
import { type Env, createEnv, type HospitalFact } from './process.js';
import { agreementRow, COLUMNS, emptyRows, orderRow, processRows, type Rows, sanctionRow, type Table } from './rows.js';
import { backgroundTenders, categoryPools, TENDERS_PER_CITY } from './world.js';

export type { PlantedCase } from './planted.js';
export { PLANTED_CODES } from './planted.js';
export { toRelease } from './ocds.js';

/** What the procurement seed hands to later seeds and tests (`ctx.facts.get('procurement')`). */
export interface ProcurementFacts {
  /** Planted positives (`flag`) and near misses (`clear`) for every flag code. */
  planted: PlantedCase[];
  /** The hospitals that carry only planted data. */
  plantedHospitals: { main: string; cohort: string; disqualifier: string };
}

export interface ProcurementSeedOptions {
  /** Background volume as a fraction of a city-year (1 = ≈ 2,000 tenders and 100,000 order lines per city); planted cases are always whole. */
  size?: number;
}

/** Suppliers registered after this never join the background: its winners are all older than 365 days (PROC_NEW_SUPPLIER). */
const ESTABLISHED_BY = '2023-06-30';
/** Reserved per kind for the planted cases, from the first city's established suppliers. */
const RESERVE: readonly (readonly [kinds: readonly string[], n: number])[] = [
  [['DEVICE', 'CONSUMABLE'], 30],
  [['CONSTRUCTION'], 4],
  [['SERVICE'], 4],
  [['PHARMA'], 6],
];
const SANCTION_SOURCE = '浙江省医疗保障局 医药价格和招采信用评价';

const TABLES = Object.keys(COLUMNS) as Table[];
/** The seeded year, and the instant its flags are computed at (after the year closed: 集采 volumes are judged). */
const SEED_YEAR = 2025;
/** The share of a city-year's background the embedded demo loads (the planted cases stay whole; demo.test.ts). */
export const EMBEDDED_SIZE = 0.4;
const FLAGS_AS_OF = new Date('2026-01-15T00:00:00+08:00');

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(item);
    out.set(key(item), list);
  }
  return out;
}

function reserve(env: Env, established: string[]): string[] {
  return RESERVE.flatMap(([kinds, n]) => established.filter((u) => kinds.includes(env.suppliers.get(u)!.kind)).slice(0, n));
}

/** The planted hospitals of the first city: three level-2 hospitals when there are (the directory lists them by level). */
function plantedHospitals(hospitals: HospitalFact[]): PlantedHospitals {
  const l2 = hospitals.filter((h) => h.level === 'LEVEL_2');
  const pick = l2.length >= 3 ? l2.slice(-3) : hospitals.slice(-3);
  if (pick.length < 3) throw new Error('procurement seed: the first city needs at least 3 hospitals to plant the cases in');
  return { main: pick[2]!, cohort: pick[1]!, disqualifier: pick[0]! };
}

/** Sanctions that ended before 2025: realistic history that no 2025 award or purchase trips. */
function pastSanctions(pool: string[]): Sanction[] {
  return pool.slice(0, 3).map((supplierUscc, i) => ({
    supplierUscc,
    kind: ['CREDIT_D', 'LISTING_RESTRICTED', 'DISHONEST'][i]!,
    validFrom: `2023-0${i + 2}-01`,
    validTo: `2024-0${i + 3}-30`,
    source: SANCTION_SOURCE,
    reference: `浙医保信用〔2023〕${i + 1}号`,
  }));
}

/** Every planted case of the first city, in a fixed order (the order fixes the random draws, hence the refs). */
function plant(p: Planter, background: Process[], backgroundHospitals: HospitalFact[], products: ProductIndex, distributor: string) {
  plantPeriods(p);
  plantPrices(p);
  plantBidStatus(p);
  plantContacts(p);
  plantWinners(p);
  plantDirectAwards(p);
  plantSanctions(p);
  plantCommittee(p);
  plantRotation(p);
  plantCohort(p);
  plantDisqualifier(p);
  plantCoverBidder(p, background);
  plantMedianNearMisses(
    p,
    [...background, ...p.processes],
    backgroundHospitals.map((h) => h.code),
  );
  return plantOrders(p, products, distributor);
}

async function loadRows(ctx: SeedContext, rows: Rows, counts: Record<string, number>) {
  for (const table of TABLES) {
    if (rows[table].length === 0) continue;
    await ctx.load(table, [...COLUMNS[table]], rows[table]);
    counts[table] = (counts[table] ?? 0) + rows[table].length;
  }
}

/** The procurement seed: a background city-year per city of the directory's facts, the planted cases in the first. */
export function createProcurementSeed(opts: ProcurementSeedOptions = {}): SubgraphSeed {
  return {
    tables: [...TABLES, 'finding'],
    async run(ctx) {
      // The embedded demo (PGlite, multi-row inserts) gets 40 % of the background: `npm start` stays quick and
      // small, and the planted cases — whole at any size — still show every flag; PostgreSQL gets the city-year.
      const size = opts.size ?? (ctx.db?.method === 'insert' ? EMBEDDED_SIZE : 1);
      const directory = ctx.facts.get('directory') as DirectoryFacts | undefined;
      if (!directory) throw new Error('procurement seed: run the directory seed first (no directory facts)');
      const env = createEnv(directory, ctx.rng);
      const products = indexProducts(directory.products);
      const suppliersByCity = groupBy(directory.suppliers, (s) => cityOf(regionOfUscc(s.uscc)));
      const now = new Date();
      const counts: Record<string, number> = {};
      let manifest: ProcurementFacts | undefined;
      for (const [city, hospitals] of groupBy(directory.hospitals, (h) => cityOf(h.regionCode))) {
        const citySuppliers = suppliersByCity.get(city) ?? directory.suppliers;
        const established = citySuppliers.filter((s) => s.registeredOn <= ESTABLISHED_BY).map((s) => s.uscc);
        const first = manifest === undefined;
        const reserved = first ? reserve(env, established) : [];
        const pool = established.filter((u) => !reserved.includes(u));
        const pools = categoryPools(env, pool);
        const planted = first ? plantedHospitals(hospitals) : undefined;
        const bgHospitals = hospitals.filter((h) => !planted || !Object.values(planted).includes(h));
        const background = backgroundTenders(env, { bids: new Map(), wins: new Map() }, bgHospitals, pools, Math.round(TENDERS_PER_CITY * size));
        const distributors = { DRUG: pools.get('DRUG')!.slice(0, 10), CONSUMABLE: pools.get('CONSUMABLE')!.slice(0, 8) };
        const bg = backgroundOrders(env, bgHospitals, products, distributors, Math.round(ORDER_LINES_PER_CITY * size));
        const world = { processes: background, orders: bg.orders, agreements: bg.agreements, sanctions: pastSanctions(pool) };
        if (planted) {
          const recent = citySuppliers.filter((s) => s.registeredOn > ESTABLISHED_BY).map((s) => s.uscc);
          const p = createPlanter(env, planted, pools, { established: reserved, recent });
          const extra = plant(p, background, bgHospitals, products, distributors.DRUG[0]!);
          world.processes.push(...p.processes);
          world.orders.push(...extra.orders);
          world.agreements.push(...extra.agreements);
          world.sanctions.push(...p.sanctions);
          manifest = { planted: p.cases, plantedHospitals: { main: planted.main.code, cohort: planted.cohort.code, disqualifier: planted.disqualifier.code } };
        }
        const rows = emptyRows();
        for (const process of world.processes) processRows(process, now, rows);
        rows.purchase_order_line = world.orders.map((l) => orderRow(l, now));
        rows.vbp_agreement = world.agreements.map(agreementRow);
        rows.supplier_sanction = world.sanctions.map(sanctionRow);
        await loadRows(ctx, rows, counts);
      }
      ctx.facts.set('procurement', manifest ?? { planted: [], plantedHospitals: { main: '', cohort: '', disqualifier: '' } });
      // The demo's flags: computed from what was loaded, city by city, as a feed run would.
      if (ctx.db) {
        let flags = 0;
        for (const city of new Set(directory.hospitals.map((h) => cityOf(h.regionCode)))) {
          flags += (await recomputeFlags(ctx.db, { regionCode: city, year: SEED_YEAR, asOf: FLAGS_AS_OF })).flags;
        }
        counts.finding = flags;
      }
      return counts;
    },
  };
} // prettier-ignore

/** The seed the subgraph registers: a full city-year (province: every city), planted cases included. */
export const procurementSeed: SubgraphSeed = createProcurementSeed();
