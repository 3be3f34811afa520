/**
 * Feed throughput for `npm run bench` (bench-procurement.ts): the procurement feeds on real
 * PostgreSQL through the platform's runFeed, as `npm run feed` and `POST /feeds` run them.
 *   - OCDS: the seeded city's releases copied under new ocids into one NDJSON file of ≈ 200 MB, fed
 *     once (new processes: validated, looked up in the directory, merged, compiled, flags recomputed),
 *     then again (0 new, 0 updated); releases/s and the process's peak RSS while it runs (flat memory).
 *   - Orders: the seeded order lines copied under new order numbers into a CSV of 500,000 lines.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import type pg from 'pg';
import type { PeerLookup, RunSummary } from '#platform/feed/types.js';
import { runFeed } from '#platform/feed/run.js';
import { ocdsFeed } from '../../subgraphs/procurement/src/feeds/ocds.js';
import { ordersFeed } from '../../subgraphs/procurement/src/feeds/orders.js';

export interface FeedBenchRun {
  kind: string;
  records: number;
  mb: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  baseRssMb: number;
  /** The V8 heap in use (and buffers outside it) before the run and at its peak. */
  baseHeapMb: number;
  peakHeapMb: number;
  /** The heap in use after the run and a full collection: what the run kept (nothing, for flat memory). */
  afterGcHeapMb: number | null;
  summary: RunSummary;
}

/**
 * The kinds without their flag recomputation (feeds/flags.ts): the feed's own throughput. Recomputing a
 * city-year's flags is measured on its own (bench-procurement.ts); the bench's files multiply one city's
 * year many times over, which no real city-year is.
 */
const kindNamed = (name: string) => (name === 'ocds' ? ocdsFeed : ordersFeed);

async function write(file: string, lines: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for await (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** ≈ `targetMb` of NDJSON: the seeded release texts again and again, each round under new ocids (`ocds-<prefix><round>-…`). */
async function writeRounds(file: string, texts: string[], targetMb: number, prefix: string): Promise<number> {
  const perRound = texts.reduce((n, t) => n + t.length + 1, 0);
  const rounds = Math.max(1, Math.ceil((targetMb * 2 ** 20) / perRound));
  await write(
    file,
    (function* () {
      for (let round = 0; round < rounds; round++)
        for (const text of texts) yield text.replaceAll('"ocds-hub001-', `"ocds-${prefix}${round}-`) + '\n';
    })(),
  );
  return rounds * texts.length;
}

/** ≈ `targetMb` of NDJSON releases: each seeded release again and again under a new ocid (and release id). */
export async function writeOcdsFile(pool: pg.Pool, file: string, targetMb: number): Promise<number> {
  const { rows } = await pool.query<{ body: Record<string, unknown> }>('SELECT body FROM procurement.ocds_release ORDER BY ocid');
  const texts = rows.map((r) => JSON.stringify(r.body));
  return writeRounds(file, texts, targetMb, 'bench');
}

type Body = Record<string, unknown>;
const asList = (v: unknown) => (Array.isArray(v) ? (v as Body[]) : []);

/**
 * A full process release split into the stage releases a platform publishes as the process goes on
 * (OCDS 1.1 "Releases": one release per event): the tender notice (招标公告: the buyer and the tender), the
 * result (中标结果公告: tenderers, committee, bids and award) and the contract (合同公告). Compiled by ocid
 * they give the full release's record again.
 */
export function stageReleases(body: Body): Body[] {
  const { parties, tender, bids, awards, contracts, id, ...common } = body as Body & { tender: Body; id: string };
  const buyerId = (body['buyer'] as Body | undefined)?.['id'];
  const all = asList(parties);
  const { tenderers, numberOfTenderers, evaluationCommittee, awardPeriod, bidOpening, status: _status, ...notice } = tender;
  const award = asList(awards)[0];
  const contract = asList(contracts)[0];
  const stamp = (t: Body) => String((t as { startDate?: string }).startDate ?? '');
  return [
    {
      ...common,
      id: `${id}-tender`,
      date: stamp(notice['tenderPeriod'] as Body),
      tag: ['tender'],
      parties: all.filter((p) => p['id'] === buyerId),
      tender: { ...notice, status: 'active' },
    },
    {
      ...common,
      id: `${id}-award`,
      date: String(award?.['date'] ?? body['date']),
      tag: ['award'],
      parties: all.filter((p) => p['id'] !== buyerId),
      tender: { id: tender['id'], status: tender['status'], tenderers, numberOfTenderers, evaluationCommittee, awardPeriod, bidOpening },
      bids,
      awards,
    },
    { ...common, id: `${id}-contract`, date: String(contract?.['dateSigned'] ?? body['date']), tag: ['contract'], contracts },
  ];
}

/**
 * ≈ `targetMb` of NDJSON stage releases (stageReleases) of the seeded processes, each round under new
 * ocids, in date order within a round: a process's award and contract come batches after its tender, so
 * they compile against stored releases as a daily feed's do.
 */
export async function writeOcdsStageFile(pool: pg.Pool, file: string, targetMb: number): Promise<number> {
  const { rows } = await pool.query<{ body: Body }>('SELECT body FROM procurement.ocds_release ORDER BY ocid');
  const texts = rows
    .flatMap((r) => stageReleases(r.body))
    .sort((a, b) => String(a['date']).localeCompare(String(b['date'])))
    .map((r) => JSON.stringify(r));
  return writeRounds(file, texts, targetMb, 'stage');
}

/** `lines` order lines in the orders feed's CSV, from the seeded lines under new order numbers. */
export async function writeOrdersFile(pool: pg.Pool, file: string, lines: number): Promise<number> {
  const { rows } = await pool.query<Record<string, string | null>>(
    `SELECT hospital_code, product_code, supplier_uscc, manufacturer_uscc, quantity::text, unit_price::text,
            to_char(ordered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') AS ordered_at,
            CASE WHEN vbp_selected THEN 'true' ELSE 'false' END AS vbp_selected, listed_price::text, array_to_string(invoices, '|') AS invoices
     FROM procurement.purchase_order_line ORDER BY key`,
  );
  const header = kindNamed('orders').csvColumns!.join(',');
  await write(
    file,
    (function* () {
      yield `${header}\n`;
      for (let i = 0; i < lines; i++) {
        const r = rows[i % rows.length]!;
        yield `BENCH${Math.floor(i / 10)},${(i % 10) + 1},${r.hospital_code},${r.product_code},${r.supplier_uscc},${r.manufacturer_uscc ?? ''},${r.quantity},${r.unit_price},${r.ordered_at},${r.vbp_selected},${r.listed_price ?? ''},${r.invoices}\n`;
      }
    })(),
  );
  return lines;
}

/** Feed one file, sampling the RSS every 50 ms. */
export async function feedFile(
  db: { pool: pg.Pool; schema: string },
  peers: PeerLookup,
  kind: string,
  file: string,
): Promise<FeedBenchRun> {
  // from a collected heap (the bench runs with --expose-gc): the setup's garbage is not the feed's
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const inUse = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const base = process.memoryUsage().rss;
  const baseHeap = inUse();
  let peak = base;
  let peakHeap = baseHeap;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    peakHeap = Math.max(peakHeap, inUse());
  }, 50);
  const started = performance.now();
  try {
    const summary = await runFeed({
      subgraph: 'procurement',
      kind: kindNamed(kind),
      pool: db.pool,
      schema: db.schema,
      method: 'copy',
      client: 'bench',
      peers,
      source: { name: file, stream: createReadStream(file), format: kind === 'ocds' ? 'ndjson' : 'csv' },
    });
    const seconds = (performance.now() - started) / 1000;
    gc?.();
    const afterGcHeapMb = gc ? inUse() / 2 ** 20 : null;
    if (summary.status !== 'SUCCEEDED')
      throw new Error(`feed bench ${kind}: ${summary.status} ${JSON.stringify(summary.error)} (${summary.rejected} rejected)`);
    return {
      kind,
      records: summary.read,
      mb: statSync(file).size / 2 ** 20,
      seconds,
      perSecond: summary.read / seconds,
      peakRssMb: peak / 2 ** 20,
      baseRssMb: base / 2 ** 20,
      baseHeapMb: baseHeap / 2 ** 20,
      peakHeapMb: peakHeap / 2 ** 20,
      afterGcHeapMb,
      summary,
    };
  } finally {
    clearInterval(sampler);
  }
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function feedRows(runs: { ocds: FeedBenchRun; ocdsAgain: FeedBenchRun; ocdsStages: FeedBenchRun; orders: FeedBenchRun }): string {
  const row = (label: string, r: FeedBenchRun, target: string) =>
    `| ${label}: ${fmt(r.records)} records, ${fmt(r.mb)} MB → ${r.summary.inserted} new, ${r.summary.updated} updated, ${r.summary.unchanged} unchanged | **${fmt(r.perSecond)} /s** (${fmt(r.seconds, 1)} s); RSS ${fmt(r.baseRssMb)} → peak ${fmt(r.peakRssMb)} MB, heap in use ${fmt(r.baseHeapMb)} → peak ${fmt(r.peakHeapMb)}${r.afterGcHeapMb === null ? '' : ` → ${fmt(r.afterGcHeapMb)} after a full collection`} MB | ${target} |`;
  return [
    row(
      'OCDS feed (NDJSON releases: validation, directory look-ups, merge, compile into the process tables)',
      runs.ocds,
      '≥ 5,000 releases/s',
    ),
    row('the same file again', runs.ocdsAgain, '0 new, 0 updated'),
    row(
      'OCDS feed of stage releases (each process as its tender, result and contract releases, in date order: later ones compile against stored releases)',
      runs.ocdsStages,
      '≥ 5,000 releases/s',
    ),
    row('orders feed (CSV)', runs.orders, '≥ 50,000 lines/s'),
  ].join('\n');
}
