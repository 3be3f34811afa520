/**
 * The pure parts of `npm run bench:gateway` (scripts/bench-gateway.ts): options, statistics,
 * ratios, the goal and the Markdown section. No I/O here, so it is unit-tested.
 */

export const GATEWAYS = ['hub', 'hub2', 'apollo', 'hive'] as const;
/** The hub's contestants: one process, and two cluster workers (GATEWAY_WORKERS=2). */
export const HUB_VARIANTS = ['hub', 'hub2'] as const;
export type GatewayId = (typeof GATEWAYS)[number];
export const COLLAPSE_MODES = ['off', 'on'] as const;
export type CollapseMode = (typeof COLLAPSE_MODES)[number];

export const GATEWAY_LABELS: Record<GatewayId, string> = {
  hub: '(1) hub gateway, 1 process',
  hub2: '(1b) hub gateway, 2 workers',
  apollo: '(2) @apollo/gateway, defaults',
  hive: '(3) Hive Gateway + router-runtime',
};

/** The goal of the issue: hub ≥ 1.0× Hive's RPS, ≤ Hive's p95, 0 wrong answers, ≤ 300 MB RSS per worker. */
export const RSS_LIMIT_MB_PER_WORKER = 300;

export interface RaceOptions {
  gateways: GatewayId[];
  collapse: CollapseMode[];
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number;
  writeDocs: boolean;
  cpuProf: boolean;
  /** Extra environment of the hub gateway (BENCH_HUB_ENV='K=V,K=V'). */
  hubEnv: Record<string, string>;
}

const list = <T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] => {
  if (!raw?.trim()) return [...allowed];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (bad.length) throw new Error(`${what}: unknown ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
  // In the canonical order, without repeats.
  return allowed.filter((a) => items.includes(a));
};

const positive = (raw: string | undefined, dflt: number, what: string, min = 1): number => {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${what} must be a number ≥ ${min} (got ${raw})`);
  return n;
};

/** `K=V,K=V` (values may contain '='; no commas). */
export function parseEnvList(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`BENCH_HUB_ENV: expected K=V, got "${item}"`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

export function parseRaceOptions(env: Record<string, string | undefined>): RaceOptions {
  return {
    gateways: list(env.BENCH_GATEWAYS, GATEWAYS, 'BENCH_GATEWAYS'),
    collapse: list(env.BENCH_COLLAPSE, COLLAPSE_MODES, 'BENCH_COLLAPSE'),
    seconds: positive(env.BENCH_SECONDS, 30, 'BENCH_SECONDS'),
    warmupSeconds: positive(env.BENCH_WARMUP_SECONDS, 10, 'BENCH_WARMUP_SECONDS', 0),
    // The issue asks for at least two alternating rounds.
    rounds: Math.max(2, Math.floor(positive(env.BENCH_ROUNDS, 2, 'BENCH_ROUNDS'))),
    connections: Math.floor(positive(env.BENCH_CONNECTIONS, 50, 'BENCH_CONNECTIONS')),
    writeDocs: env.BENCH_WRITE_DOCS !== '0',
    cpuProf: env.BENCH_CPU_PROF === '1',
    hubEnv: parseEnvList(env.BENCH_HUB_ENV),
  };
}

/** Round r runs the gateways in this order: as given, then reversed, alternating (ABC, CBA, ABC …). */
export const roundOrder = <T>(gateways: readonly T[], round: number): T[] => (round % 2 === 0 ? [...gateways] : [...gateways].reverse());

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (q in 0…100) of ascending values: the smallest value with at least q % at or below it. */
export function percentile(sortedAscending: readonly number[], q: number): number {
  if (!sortedAscending.length) return NaN;
  const rank = Math.max(1, Math.ceil((q / 100) * sortedAscending.length));
  return sortedAscending[Math.min(sortedAscending.length, rank) - 1]!;
}

/** What one timed load window measured, whatever the scenario (this race, the console load). */
export interface LoadWindow {
  /** Seconds autocannon ran. */
  durationS: number;
  /** Every response received. */
  responses: number;
  /** 2xx responses whose body is the verified answer. */
  correct: number;
  /** Correct answers per second. */
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon's `errors`, timeouts included). */
  transportErrors: number;
  timeouts: number;
  /** 2xx responses whose body is not the verified answer. */
  wrongAnswers: number;
  /** Gateway process tree (all workers) CPU in the window. */
  cpuMs: number;
  /** First wrong body seen (truncated), for diagnosis. */
  wrongSample?: string;
}

/** One gateway in one round: the timed window only. */
export interface RoundResult extends LoadWindow {
  gateway: GatewayId;
  collapse: CollapseMode;
  round: number;
  /** Correct answers whose bytes differ from the verified body but parse to the same JSON. */
  reformatted: number;
  peakRssTotalMb: number;
  peakRssProcessMb: number;
  /** Processes seen in the gateway's tree, and how many of them are Node (primary + cluster workers). */
  processes: number;
  nodeProcesses: number;
  /** The subgraphs' process CPU in the same window. */
  subgraphCpuMs: number;
  /** The load generator's own CPU (this process). */
  loadgenCpuMs: number;
  statusCodes: Record<string, number>;
  /** The machine's 1-minute load average at the end of the window (others' work shows here). */
  loadAverage1m?: number;
  /** The warm-up before the window: responses and errors. */
  warmup?: { responses: number; errors: number };
  /** Each process of the gateway's tree with its own peak RSS. */
  perProcess?: { pid: number; comm: string; node: boolean; peakMb: number }[];
  profiles?: string[];
}

/** errors = non-2xx + connection errors/timeouts + wrong answers (a wrong answer is an error, not a success). */
export const errorsOf = (r: Pick<LoadWindow, 'non2xx' | 'transportErrors' | 'wrongAnswers'>): number =>
  r.non2xx + r.transportErrors + r.wrongAnswers;

/** Several rounds of one load, summarised (this race, the console load). */
export interface RoundsSummary {
  rounds: number;
  /** Medians over rounds. */
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Sums over rounds (timed windows). */
  responses: number;
  errors: number;
  wrongAnswers: number;
  /** All rounds' gateway CPU / all rounds' responses. */
  cpuMsPerRequest: number;
}

/** Rate, latency percentiles and answers of one timed window, from its latencies and counts. */
export function windowFigures(w: {
  durationS: number;
  latencies: number[];
  correct: number;
}): Pick<LoadWindow, 'rps' | 'p50' | 'p95' | 'p99'> {
  return {
    rps: w.correct / w.durationS,
    p50: percentile(w.latencies, 50),
    p95: percentile(w.latencies, 95),
    p99: percentile(w.latencies, 99),
  };
}

export interface GatewaySummary extends RoundsSummary {
  gateway: GatewayId;
  correct: number;
  subgraphCpuMsPerRequest: number;
  /** Highest over rounds. */
  peakRssTotalMb: number;
  peakRssProcessMb: number;
  processes: number;
  nodeProcesses: number;
}

/** Medians of rate and latency, sums of answers and errors, CPU per request: what every summary of rounds has. */
export function summariseRounds<R extends LoadWindow>(mine: readonly R[]): RoundsSummary & { sum: (f: (r: R) => number) => number } {
  const sum = (f: (r: R) => number) => mine.reduce((s, r) => s + f(r), 0);
  const responses = sum((r) => r.responses);
  return {
    rounds: mine.length,
    rps: median(mine.map((r) => r.rps)),
    p50: median(mine.map((r) => r.p50)),
    p95: median(mine.map((r) => r.p95)),
    p99: median(mine.map((r) => r.p99)),
    responses,
    errors: sum(errorsOf),
    wrongAnswers: sum((r) => r.wrongAnswers),
    cpuMsPerRequest: responses ? sum((r) => r.cpuMs) / responses : NaN,
    sum,
  };
}

export function summarise(gateway: GatewayId, rounds: readonly RoundResult[]): GatewaySummary {
  const mine = rounds.filter((r) => r.gateway === gateway);
  const { sum, ...common } = summariseRounds(mine);
  const responses = common.responses;
  return {
    gateway,
    ...common,
    correct: sum((r) => r.correct),
    subgraphCpuMsPerRequest: responses ? sum((r) => r.subgraphCpuMs) / responses : NaN,
    peakRssTotalMb: Math.max(...mine.map((r) => r.peakRssTotalMb)),
    peakRssProcessMb: Math.max(...mine.map((r) => r.peakRssProcessMb)),
    processes: Math.max(...mine.map((r) => r.processes)),
    nodeProcesses: Math.max(...mine.map((r) => r.nodeProcesses)),
  };
}

/** a's RPS over b's (NaN when either is missing or b has none). */
export const rpsRatio = (a: GatewaySummary | undefined, b: GatewaySummary | undefined): number =>
  a && b && b.rps > 0 ? a.rps / b.rps : NaN;

export interface GoalCheck {
  met: boolean;
  /** One clause per condition, each with ✓ / ✗. */
  clauses: string[];
}

/**
 * The issue's goal for one run: the hub's median RPS ≥ Hive's, its median p95 ≤ Hive's, no wrong
 * answers from the hub, and no hub process above 300 MB RSS. Undecidable (met = false) without
 * both gateways in the run.
 */
export function checkGoal(summaries: readonly GatewaySummary[], variant: (typeof HUB_VARIANTS)[number] = 'hub'): GoalCheck {
  const hub = summaries.find((s) => s.gateway === variant);
  const hive = summaries.find((s) => s.gateway === 'hive');
  if (!hub || !hive) return { met: false, clauses: ['not decided: the run needs both the hub and Hive Gateway'] };
  const conditions: [boolean, string][] = [
    [hub.rps >= hive.rps, `RPS ${fmt(hub.rps, 0)} ≥ Hive's ${fmt(hive.rps, 0)} (${fmt(hub.rps / hive.rps, 2)}×)`],
    [hub.p95 <= hive.p95, `p95 ${fmt(hub.p95, 1)} ms ≤ Hive's ${fmt(hive.p95, 1)} ms`],
    [hub.wrongAnswers === 0, `${hub.wrongAnswers} wrong answers`],
    [
      hub.peakRssProcessMb <= RSS_LIMIT_MB_PER_WORKER,
      `peak RSS ${fmt(hub.peakRssProcessMb, 0)} MB per worker ≤ ${RSS_LIMIT_MB_PER_WORKER} MB`,
    ],
  ];
  return { met: conditions.every(([ok]) => ok), clauses: conditions.map(([ok, text]) => `${ok ? '✓' : '✗'} ${text}`) };
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—');

/** The Markdown table of one run (collapsing off or on), gateways in the canonical order. */
export function raceTable(summaries: readonly GatewaySummary[], labels: Partial<Record<GatewayId, string>> = {}): string {
  const by = (g: GatewayId) => summaries.find((s) => s.gateway === g);
  const rows = GATEWAYS.flatMap((g) => {
    const s = by(g);
    if (!s) return [];
    const rss = `${fmt(s.peakRssTotalMb, 0)} / ${fmt(s.peakRssProcessMb, 0)}${s.nodeProcesses > 1 ? ` (${s.nodeProcesses} Node processes)` : ''}`;
    return [
      `| ${labels[g] ?? GATEWAY_LABELS[g]} | ${fmt(s.rps, 0)} | ${ratio(rpsRatio(s, by('apollo')))} | ${ratio(rpsRatio(s, by('hive')))} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${s.errors} | ${s.wrongAnswers} | ${fmt(s.cpuMsPerRequest, 2)} | ${rss} |`,
    ];
  });
  return [
    '| gateway | median RPS | ×(2) | ×(3) | p50 ms | p95 ms | p99 ms | errors | wrong answers | CPU ms/req | peak RSS MB (total / per worker) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The goal lines of a run, one per hub contestant in it. */
export function goalLine(mode: CollapseMode, summaries: readonly GatewaySummary[]): string {
  const variants = HUB_VARIANTS.filter((v) => summaries.some((s) => s.gateway === v));
  return (variants.length ? variants : (['hub'] as const))
    .map((v) => {
      const goal = checkGoal(summaries, v);
      return `**Goal, collapsing ${mode}, ${GATEWAY_LABELS[v]}: ${goal.met ? 'met' : 'not met'}** — ${goal.clauses.join('; ')}.`;
    })
    .join('\n\n');
}
