/**
 * The procurement figures of `npm run bench` (docs/benchmarks.md, section bench:procurement), on the
 * city seed (≈ 2,000 tenders, 20,000 bids, 100,000 purchase-order lines) on real PostgreSQL:
 *   - every red flag of the city-year recomputed (load the facts, evaluate the 24 rules, store);
 *   - `HospitalPeriod.procurement` for the city's 60 hospitals × 12 months through the gateway (p50/p95);
 *   - the feeds' throughput (feed-bench.ts): OCDS releases/s with validation, order-CSV lines/s, peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createIdentitySigner } from '#common/identity-signature.js';
import { createPeerLookup } from '#platform/feed/peers.js';
import { runSeeds } from '#platform/seed/run.js';
import { gql } from '#testing/graphql.js';
import { identityOf } from '#testing/identities.js';
import { DEFAULT_USER, type Stack } from '#testing/stack.js';
import { subgraphNamed } from '../../subgraphs/registry.js';
import { feedFile, feedRows, writeOcdsFile, writeOcdsStageFile, writeOrdersFile } from './feed-bench.js';
import { recomputeFlags, type Recomputation } from '../../subgraphs/procurement/src/flags/recompute.js';

export const PROCUREMENT_SECTION = 'bench:procurement';

const MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);

/** 60 hospitals × 12 months: one alias per month, so the gateway sends one `_entities` batch of 720 figure keys. */
export const FIGURES_QUERY = `query CityFigures($region: ID!) {
  hospitals(filter: { regionCode: $region }, first: 60) {
    nodes {
      code
      ${MONTHS.map((m, i) => `m${i + 1}: procurement(period: "${m}") { tenders bids awards flaggedTenders flaggedTenderRate budgetTotal purchaseTotal vbpShare sufficient }`).join('\n      ')}
    }
  }
}`;

export interface FlagsRun extends Recomputation {
  seconds: number;
}

/** Recompute the city-year's flags twice: the first run stores them, the second finds nothing to change. */
export async function measureFlags(
  db: { pool: pg.Pool; schema: string },
  regionCode: string,
  year: number,
): Promise<{ first: FlagsRun; again: FlagsRun }> {
  const run = async () => {
    const started = performance.now();
    const r = await recomputeFlags(db, { regionCode, year });
    return { ...r, seconds: (performance.now() - started) / 1000 };
  };
  const first = await run();
  return { first, again: await run() };
}

export interface FiguresRun {
  requests: number;
  p50: number;
  p95: number;
  statements: number;
  hospitals: number;
  kb: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** The figures query sequentially (one console user), after a warm-up: latency percentiles and procurement's statements per request. */
export async function measureFigures(
  gatewayUrl: string,
  headers: Record<string, string>,
  regionCode: string,
  stats: { statements: number },
  requests = 60,
): Promise<FiguresRun> {
  const times: number[] = [];
  let statements = 0;
  let hospitals = 0;
  let kb = 0;
  for (let i = -3; i < requests; i++) {
    const before = stats.statements;
    const started = performance.now();
    const res = await gql<{ hospitals: { nodes: unknown[] } }>(gatewayUrl, FIGURES_QUERY, { region: regionCode }, headers);
    const ms = performance.now() - started;
    if (res.body.errors || !res.body.data) throw new Error(`figures bench: ${res.text.slice(0, 300)}`);
    if (i < 0) continue;
    times.push(ms);
    statements = stats.statements - before;
    hospitals = res.body.data.hospitals.nodes.length;
    kb = Math.round(res.text.length / 1024);
  }
  return { requests, p50: pct(times, 0.5), p95: pct(times, 0.95), statements, hospitals, kb };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

export function procurementMarkdown(parts: {
  flags: { first: FlagsRun; again: FlagsRun };
  figures: FiguresRun;
  seeded: Record<string, number>;
  feeds?: string;
}): string {
  const { first, again } = parts.flags;
  const f = parts.figures;
  return `## Procurement

On the city seed (${Object.entries(parts.seeded)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}), real PostgreSQL.

| figure | value | target |
|---|---|---|
| every red flag of the city-year (load the facts, 24 rules, store ${first.flags} flags) | **${fmt(first.seconds, 2)} s** | ≤ 10 s |
| the same again (nothing changed: ${again.inserted} new, ${again.updated} updated, ${again.removed} removed) | ${fmt(again.seconds, 2)} s | — |
| \`HospitalPeriod.procurement\` for ${f.hospitals} hospitals × 12 months through the gateway (${f.kb} kB, ${f.statements} procurement SQL statements), p50 / p95 of ${f.requests} sequential requests | ${fmt(f.p50)} / **${fmt(f.p95)} ms** | — |
${parts.feeds ?? ''}`;
}

/**
 * The whole procurement part on a stack whose directory holds the city seed: seed procurement (the
 * city-year, planted cases, flags), measure the flags, the figures and the feeds; the section's markdown.
 */
export async function runProcurementBench(stack: Stack): Promise<string> {
  const procurement = stack.subgraphs.procurement!;
  const target = (name: string) => ({ name, pool: stack.subgraphs[name]!.db.pool, method: 'copy' as const });
  const seeded = await runSeeds(
    [
      { target: target('directory'), seed: subgraphNamed('directory').seed!, factsOnly: true },
      { target: target('procurement'), seed: subgraphNamed('procurement').seed! },
    ],
    { scale: 'city', reset: true, progress: false },
  );
  await procurement.db.pool.query('ANALYZE');
  const city = (
    await procurement.db.pool.query<{ c: string }>(`SELECT substr(region_code, 1, 4) || '00' AS c FROM procurement.tender LIMIT 1`)
  ).rows[0]!.c;
  const flags = await measureFlags(procurement.db, city, 2025);
  console.log(`flags: ${flags.first.flags} in ${flags.first.seconds.toFixed(2)} s`);
  const headers = { authorization: `Bearer ${await stack.token(DEFAULT_USER)}` };
  const figures = await measureFigures(stack.gatewayUrl, headers, city, procurement.db.stats);
  console.log(`figures: p95 ${figures.p95.toFixed(1)} ms`);
  const peers = createPeerLookup({
    urls: new Map(Object.entries(stack.subgraphs).map(([n, s]) => [n, s.url])),
    identityFor: {
      signer: createIdentitySigner(stack.identityKeys.privateKey, 3_600),
      identity: identityOf(['machine-client'], { regionCode: '330000' }),
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'ih-feed-bench-'));
  try {
    const ocdsFile = join(dir, 'releases.ndjson');
    await writeOcdsFile(procurement.db.pool, ocdsFile, Number(process.env.BENCH_OCDS_MB ?? 200));
    const ocds = await feedFile(procurement.db, peers, 'ocds', ocdsFile);
    console.log(`ocds: ${ocds.perSecond.toFixed(0)} releases/s, peak RSS ${ocds.peakRssMb.toFixed(0)} MB`);
    const ocdsAgain = await feedFile(procurement.db, peers, 'ocds', ocdsFile);
    rmSync(ocdsFile);
    const stageFile = join(dir, 'stage-releases.ndjson');
    await writeOcdsStageFile(procurement.db.pool, stageFile, Number(process.env.BENCH_OCDS_MB ?? 200));
    const ocdsStages = await feedFile(procurement.db, peers, 'ocds', stageFile);
    console.log(`ocds stage releases: ${ocdsStages.perSecond.toFixed(0)} releases/s, peak RSS ${ocdsStages.peakRssMb.toFixed(0)} MB`);
    rmSync(stageFile);
    const ordersFile = join(dir, 'orders.csv');
    await writeOrdersFile(procurement.db.pool, ordersFile, Number(process.env.BENCH_ORDER_LINES ?? 500_000));
    const orders = await feedFile(procurement.db, peers, 'orders', ordersFile);
    console.log(`orders: ${orders.perSecond.toFixed(0)} lines/s`);
    return procurementMarkdown({
      flags,
      figures,
      seeded: seeded.procurement ?? {},
      feeds: feedRows({ ocds, ocdsAgain, ocdsStages, orders }),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
