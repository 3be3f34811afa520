/**
 * `npm run bench:gateway` — the side-by-side gateway race on the public scenario of
 * graphql-hive/graphql-gateways-benchmark (four subgraphs, its TestQuery, 50 connections):
 *   (1) the hub's gateway, as in production (token verification, allow-list, audit log);
 *   (2) plain @apollo/gateway with its defaults (bench/federation/apollo-gateway.ts);
 *   (3) Hive Gateway with @graphql-hive/router-runtime (bench/federation/hive-gateway.ts), from
 *       the benchmarks' own package (bench/deps, installed here the first time it is raced).
 * Twice: in-flight collapsing of identical client operations off everywhere, then on for every
 * gateway that has it. Prints the tables, writes them to docs/benchmarks.md (its own marked
 * section) and every round's raw figures to .tmp/bench-gateway.json.
 *
 * Options (env): BENCH_GATEWAYS=hub,apollo,hive  BENCH_COLLAPSE=off,on  BENCH_SECONDS=30
 * BENCH_WARMUP_SECONDS=10  BENCH_ROUNDS=2 (≥ 2)  BENCH_CONNECTIONS=50  BENCH_WRITE_DOCS=0
 * BENCH_CPU_PROF=1 (hub under --cpu-prof, top frames printed)  BENCH_HUB_ENV='K=V,K=V'.
 * Needs PostgreSQL for the hub's audit log (TEST_DATABASE_ADMIN_URL, default postgres@127.0.0.1:5432).
 */
import { baseEnv, freePort, killAllNow, startChild, stopAll, type Child } from './lib/children.js';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { startDevIdentityProvider, type DevIdentityProvider } from '../gateway/src/dev-idp/index.js';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { BENCH_QUERY } from '../bench/federation/subgraphs.js';
import { expectedBenchBody } from '../bench/federation/expected.js';
import { measureCpu, sampleRss } from './lib/proc-metrics.js';
import { benchPackageBin, ensureBenchDeps } from './lib/bench-deps.js';
import { formatFrames, readProfile, summariseProfile, summariseProfiles } from './lib/cpu-profile.js';
import { replaceSection } from './lib/doc-section.js';
import {
  GATEWAY_LABELS,
  fmt,
  goalLine,
  parseRaceOptions,
  percentile,
  windowFigures,
  raceTable,
  roundOrder,
  summarise,
  type CollapseMode,
  type GatewayId,
  type GatewaySummary,
  type RaceOptions,
  type RoundResult,
} from './lib/race.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TMP = join(ROOT, '.tmp', 'bench-gateway');
const PROF_DIR = join(ROOT, '.tmp', 'prof');
const DOCS = join(ROOT, 'docs', 'benchmarks.md');
const RAW = join(ROOT, '.tmp', 'bench-gateway.json');
const SECTION = 'bench:gateway';
const CLIENT_ID = 'gateway-bench';
/** High enough that the allow-list's per-client limit never throttles the race. */
const CLIENT_RATE_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 };
const HUB_NODE_FLAGS = (process.env.BENCH_HUB_NODE_FLAGS ?? '--max-semi-space-size=32').split(' ').filter(Boolean); // as `npm run start:gateway`
const READY_TIMEOUT_MS = 120_000;
/**
 * The one production limit the race changes: the hub's estimated-cost limit (MAX_COST, default
 * 50,000, list fields counted as 10 items) refuses TestQuery — five nested lists — with
 * "Query is too expensive". An operator registering this operation on the allow-list would raise
 * it the same way. BENCH_HUB_ENV can override it.
 */
const HUB_RACE_ENV = { MAX_COST: '10000000' };

// ---------------------------------------------------------------------------------------------
// Child processes: each in its own process group, so a gateway's cluster workers go with it.

// ---------------------------------------------------------------------------------------------
// The shared parts: subgraphs, identity provider, audit database, keys, allow-list.

interface Shared {
  subgraphs: Child;
  supergraphPath: string;
  idp: DevIdentityProvider;
  database: TestDatabase;
  privateKeyPem: string;
  manifestPath: string;
  expected: string;
}

async function startSubgraphs(publicKeyPem: string, supergraphPath: string): Promise<Child> {
  let buffer = '';
  let onReady: (line: Record<string, unknown>) => void = () => undefined;
  const ready = new Promise<Record<string, unknown>>((resolve) => (onReady = resolve));
  const child = startChild(
    'subgraphs',
    ['--import', 'tsx', 'bench/federation/serve.ts'],
    {
      ...baseEnv(),
      NODE_ENV: 'development',
      HUB_IDENTITY_PUBLIC_KEY: publicKeyPem,
      BENCH_SUPERGRAPH_PATH: supergraphPath,
      BENCH_SUBGRAPH_HOST: '127.0.0.1',
    },
    (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.ready === true) onReady(parsed);
        } catch {
          /* a log line */
        }
      }
    },
  );
  const outcome = await Promise.race([
    ready.then((line) => ({ line })),
    child.exited.then((e) => ({ exit: e })),
    new Promise<{ timeout: true }>((r) => setTimeout(() => r({ timeout: true }), READY_TIMEOUT_MS).unref()),
  ]);
  if (!('line' in outcome)) {
    await child.stop(1_000);
    throw new Error(`the benchmark subgraphs did not start (${JSON.stringify(outcome)}):\n${child.output()}`);
  }
  console.log(
    `subgraphs ready (pid ${child.pid}): ${Object.entries(outcome.line.urls as Record<string, string>)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return child;
}

// ---------------------------------------------------------------------------------------------
// Gateways.

interface GatewayRun {
  child: Child;
  url: string;
  startedAt: number;
}

/** The Hive Gateway CLI of the bench package (bench/deps), not in the hub's default install. */
function hiveBin(): string {
  return benchPackageBin('@graphql-hive/gateway', 'hive-gateway');
}

/** What the CLI logs when `--hive-router-runtime` cannot load the Rust planner and it serves with its JavaScript planner instead. */
const HIVE_PLANNER_FALLBACK = 'Could not load the @graphql-hive/router-runtime package';

async function startGateway(
  id: GatewayId,
  mode: CollapseMode,
  shared: Shared,
  opts: RaceOptions,
  headers: Record<string, string>,
): Promise<GatewayRun> {
  const port = await freePort();
  const common = { ...baseEnv(), NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1' };
  const startedAt = Date.now();
  let child: Child;
  if (id === 'hub' || id === 'hub2') {
    mkdirSync(PROF_DIR, { recursive: true });
    child = startChild(
      'hub gateway',
      [...(opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : []), ...HUB_NODE_FLAGS, '--import', 'tsx', 'gateway/src/index.ts'],
      {
        ...common,
        SUPERGRAPH_PATH: shared.supergraphPath,
        KEYCLOAK_URL: shared.idp.serverUrl,
        KEYCLOAK_REALM: shared.idp.realm,
        KEYCLOAK_AUDIENCE: shared.idp.audience,
        AUDIT_WRITER_DATABASE_URL: auditWriterUrl(shared.database.adminUrl),
        PERSISTED_OPERATIONS_PATH: shared.manifestPath,
        HUB_IDENTITY_PRIVATE_KEY: shared.privateKeyPem,
        COLLAPSE_OPERATIONS: mode,
        GATEWAY_WORKERS: id === 'hub2' ? '2' : '1',
        SHUTDOWN_GRACE_MS: '2000',
        ...HUB_RACE_ENV,
        ...opts.hubEnv,
      },
      undefined,
      // BENCH_HUB_CHECKOUT: race another checkout's gateway (e.g. a git worktree of an earlier commit, for before/after profiles).
      process.env.BENCH_HUB_CHECKOUT || ROOT,
    );
  } else if (id === 'apollo') {
    child = startChild('@apollo/gateway', ['--import', 'tsx', 'bench/federation/apollo-gateway.ts'], {
      ...common,
      SUPERGRAPH_PATH: shared.supergraphPath,
    });
  } else {
    child = startChild(
      'Hive Gateway',
      // --hive-router-runtime: the CLI imports the Rust planner itself, from its own package (bench/deps), so both share one copy of graphql and
      // the rest; an import in the config file would resolve the hub's copies (bench/federation/hive-gateway.ts).
      [
        hiveBin(),
        'supergraph',
        shared.supergraphPath,
        '--config-path',
        'bench/federation/hive-gateway.ts',
        '--hive-router-runtime',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
      ],
      { ...common, BENCH_HIVE_INBOUND_DEDUP: mode },
    );
  }
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntilAnswering(child, url, headers, shared.expected);
  if (id === 'hive' && child.output().includes(HIVE_PLANNER_FALLBACK)) {
    await child.stop(2_000);
    throw new Error(
      `Hive Gateway fell back to its JavaScript query planner: the race is of the Rust one (reinstall bench/deps: npm ci --prefix bench/deps --ignore-scripts):\n${child.output()}`,
    );
  }
  return { child, url, startedAt };
}

/** Poll with the benchmark request until a 200; a child that exits first fails the race with its output. */
async function waitUntilAnswering(child: Child, url: string, headers: Record<string, string>, expected: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (!child.isRunning()) {
      const e = await child.exited;
      throw new Error(`${child.name} exited during start-up (code ${e.code}, signal ${e.signal}):\n${child.output()}`);
    }
    try {
      const res = await fetch(url, { method: 'POST', headers, body: benchBody(), signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.status === 200) {
        const verdict = verify(text, expected, JSON.parse(expected));
        if (verdict === 'wrong')
          console.warn(
            `WARNING: ${child.name}'s first answer is not the verified body; its wrong answers are counted. First difference at ${firstDifference(text, expected)}: ${text.slice(0, 300)}`,
          );
        return;
      }
      last = `HTTP ${res.status}: ${text.slice(0, 500)}`;
      // A client error will not go away by waiting (a refused operation, a rejected token…).
      if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${child.name} did not answer the benchmark request with 200 (last: ${last}):\n${child.output().slice(-8_000)}`);
}

const firstDifference = (a: string, b: string) => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `byte ${i} (got …${JSON.stringify(a.slice(Math.max(0, i - 40), i + 40))}, expected …${JSON.stringify(b.slice(Math.max(0, i - 40), i + 40))})`;
};

const benchBody = () => JSON.stringify({ query: BENCH_QUERY, operationName: 'TestQuery' });

/**
 * 'exact': the verified bytes (a trailing newline allowed: @apollo/server ends its JSON with one);
 * 'same': other bytes, same JSON value; 'wrong': anything else.
 */
function verify(body: string, expected: string, expectedValue: unknown): 'exact' | 'same' | 'wrong' {
  if (body === expected || (body.length === expected.length + 1 && body.endsWith('\n') && body.startsWith(expected))) return 'exact';
  try {
    return isDeepStrictEqual(JSON.parse(body), expectedValue) ? 'same' : 'wrong';
  } catch {
    return 'wrong';
  }
}

// ---------------------------------------------------------------------------------------------
// Load.

interface LoadResult {
  durationS: number;
  responses: number;
  correct: number;
  latencies: number[];
  non2xx: number;
  transportErrors: number;
  timeouts: number;
  wrongAnswers: number;
  reformatted: number;
  statusCodes: Record<string, number>;
  wrongSample?: string;
}

function load(url: string, headers: Record<string, string>, seconds: number, connections: number, expected: string): Promise<LoadResult> {
  const expectedValue: unknown = JSON.parse(expected);
  const latencies: number[] = [];
  let lastStatus = 0;
  let wrongAnswers = 0;
  let reformatted = 0;
  let correct = 0;
  let wrongSample: string | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers,
        body: benchBody(),
        connections,
        duration: seconds,
        timeout: 10,
        // autocannon calls this right after emitting 'response' for the same reply (synchronously),
        // so lastStatus is this reply's status. Non-2xx replies are counted as such, not here.
        verifyBody: (body) => {
          if (lastStatus < 200 || lastStatus >= 300) return true;
          const verdict = verify(String(body), expected, expectedValue);
          if (verdict === 'wrong') {
            wrongAnswers++;
            wrongSample ??= String(body).slice(0, 1_000);
            return false;
          }
          if (verdict === 'same') reformatted++;
          correct++;
          return true;
        },
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const codes: Record<string, number> = {};
        for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) codes[code] = v.count ?? 0;
        latencies.sort((a, b) => a - b);
        resolve({
          durationS: result.duration,
          responses: latencies.length,
          correct,
          latencies,
          non2xx: result.non2xx,
          transportErrors: result.errors,
          timeouts: result.timeouts,
          wrongAnswers,
          reformatted,
          statusCodes: codes,
          ...(wrongSample ? { wrongSample } : {}),
        });
      },
    );
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      lastStatus = statusCode;
      latencies.push(ms);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// One gateway, one round.

async function raceOne(id: GatewayId, mode: CollapseMode, round: number, shared: Shared, opts: RaceOptions): Promise<RoundResult> {
  const token = await shared.idp.tokenFor(CLIENT_ID, { ttlSeconds: 3600 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const gw = await startGateway(id, mode, shared, opts, headers);
  const rss = sampleRss(gw.child.pid);
  try {
    let warmup: { responses: number; errors: number } | undefined;
    if (opts.warmupSeconds > 0) {
      const w = await load(gw.url, headers, opts.warmupSeconds, opts.connections, shared.expected);
      const bad = w.non2xx + w.transportErrors + w.wrongAnswers;
      if (bad) console.warn(`  warm-up: ${bad} errors of ${w.responses} (${JSON.stringify(w.statusCodes)})`);
      warmup = { responses: w.responses, errors: bad };
      // autocannon stops by closing its sockets; the gateway still finishes the requests it had
      // (up to one per connection). Let that work drain so it is not billed to the timed window.
      await new Promise((r) => setTimeout(r, Math.min(10_000, Math.max(1_000, percentile(w.latencies, 99) || 0))));
    }
    const cpu = measureCpu(gw.child.pid);
    const subCpu = measureCpu(shared.subgraphs.pid);
    const own = process.cpuUsage();
    const r = await load(gw.url, headers, opts.seconds, opts.connections, shared.expected);
    const cpuMs = cpu.stop();
    const subgraphCpuMs = subCpu.stop();
    const ownUsage = process.cpuUsage(own);
    const peak = rss.peek();
    if (!gw.child.isRunning()) throw new Error(`${gw.child.name} died during the race:\n${gw.child.output()}`);
    const result: RoundResult = {
      gateway: id,
      collapse: mode,
      round,
      durationS: r.durationS,
      responses: r.responses,
      correct: r.correct,
      ...windowFigures(r),
      non2xx: r.non2xx,
      transportErrors: r.transportErrors,
      timeouts: r.timeouts,
      wrongAnswers: r.wrongAnswers,
      reformatted: r.reformatted,
      cpuMs,
      peakRssTotalMb: peak.peakTotalMb,
      peakRssProcessMb: peak.peakProcessMb,
      processes: peak.processes,
      nodeProcesses: peak.nodeProcesses,
      perProcess: peak.perProcess,
      subgraphCpuMs,
      loadgenCpuMs: (ownUsage.user + ownUsage.system) / 1000,
      statusCodes: r.statusCodes,
      ...(warmup ? { warmup } : {}),
      loadAverage1m: loadavg()[0]!,
      ...(r.wrongSample ? { wrongSample: r.wrongSample } : {}),
    };
    return result;
  } finally {
    rss.stop();
    await gw.child.stop(opts.cpuProf ? 30_000 : 10_000);
  }
}

/** The .cpuprofile files this round's hub processes wrote (named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
function newProfiles(since: number, pids: number[]): string[] {
  try {
    return readdirSync(PROF_DIR)
      .filter((f) => f.endsWith('.cpuprofile') && pids.includes(Number(f.split('.')[3])))
      .map((f) => join(PROF_DIR, f))
      .filter((f) => statSync(f).mtimeMs >= since);
  } catch {
    return [];
  }
}

/** The hub's profiles of one round (primary, workers, tsx's loader threads): each one's busy time, then the top frames of all together. */
function printProfiles(files: string[]): void {
  if (!files.length) return console.log('  (no .cpuprofile written: did the gateway exit cleanly?)');
  const profiles = files.map(readProfile);
  for (const [i, file] of files.entries()) {
    const s = summariseProfile(profiles[i]!, 0);
    console.log(`  ${file.slice(ROOT.length + 1)}: ${s.busyMs.toFixed(0)} ms busy of ${s.totalMs.toFixed(0)} ms`);
  }
  console.log(
    `top 25 self-time frames, all of them together (npm run -s prof:top -- <file> for one):\n${formatFrames(summariseProfiles(profiles, 25))}\n`,
  );
}

const line = (r: RoundResult) =>
  `${r.responses} responses in ${fmt(r.durationS, 1)} s: ${fmt(r.rps, 0)} correct/s, p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} ms, ` +
  `errors ${r.non2xx + r.transportErrors + r.wrongAnswers} (wrong ${r.wrongAnswers}), CPU ${fmt(r.cpuMs / Math.max(1, r.responses), 2)} ms/req ` +
  `(subgraphs ${fmt(r.subgraphCpuMs / Math.max(1, r.responses), 2)}), peak RSS ${fmt(r.peakRssTotalMb, 0)} MB / ${fmt(r.peakRssProcessMb, 0)} MB per process (${r.nodeProcesses} Node ${r.nodeProcesses === 1 ? 'process' : 'processes'}${r.processes > r.nodeProcesses ? ` + ${r.processes - r.nodeProcesses} other` : ''})` +
  (r.reformatted ? `, ${r.reformatted} answers correct but not byte-identical` : '');

// ---------------------------------------------------------------------------------------------
// Report.

function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}`;
}

function section(opts: RaceOptions, results: RoundResult[], summaries: Map<CollapseMode, GatewaySummary[]>, bodyKb: string): string {
  const hubEnv = Object.entries(opts.hubEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const processes = (g: GatewayId) => {
    const counts = [...new Set(results.filter((r) => r.gateway === g).map((r) => r.nodeProcesses))];
    return counts.length ? counts.join('/') : '—';
  };
  const parts = [
    '## Gateway race — the graphql-gateways-benchmark scenario',
    '',
    `Measured by \`npm run bench:gateway\` on ${new Date().toISOString().slice(0, 10)} — ${machine()}. Gateways, subgraphs, load generator, identity provider and PostgreSQL share this machine's ${cpus().length} cores.`,
    '',
    '**Method.**',
    `- Scenario: the public benchmark of graphql-hive/graphql-gateways-benchmark — its four subgraphs (accounts, inventory, products, reviews) ported to Node on this project's subgraph platform (same schemas and data, inline tracing off), all four in one process (\`bench/federation/serve.ts\`, \`NODE_ENV=development\`, accepting unsigned requests and the hub's signed identity header), shared by every gateway for the whole invocation; its query \`TestQuery\` (${bodyKb} answer).`,
    `- Load: autocannon 9, ${opts.connections} connections, \`POST /graphql\` with \`{"query": …, "operationName": "TestQuery"}\`, \`content-type: application/json\` and the same bearer token for every gateway (the others ignore it). Each gateway is started fresh for each round on a free port, answered once, then loaded ${opts.warmupSeconds} s (warm-up, not counted), left to finish the warm-up's abandoned requests (its p99, 1–10 s), and loaded ${opts.seconds} s (timed). ${opts.rounds} rounds, the order alternating (${roundOrder(opts.gateways, 0).join(', ')}, then ${roundOrder(opts.gateways, 1).join(', ')}, …).`,
    '- Every response is compared with the verified body (`bench/federation/expected.ts`, built from the data without GraphQL): byte for byte (a trailing newline allowed, as @apollo/server writes one), else parsed and deep-compared. A 2xx with anything else is a **wrong answer**. **errors** = non-2xx + connection errors and timeouts (10 s) + wrong answers. **RPS** counts correct answers only.',
    "- p50 / p95 / p99: exact nearest-rank percentiles of every response time in the timed window (autocannon's per-reply timings; its own histogram reports p50, p90, p97.5 and p99 but no p95). RPS and percentiles are medians over rounds.",
    '- **CPU ms/req**: utime + stime of the gateway\'s whole process tree (cluster workers included, and reaped children via cutime/cstime), from `/proc/<pid>/stat` at the start and end of the timed window, over all rounds, divided by the responses. **Peak RSS**: VmRSS of every process of the tree sampled every 200 ms from start to stop; the highest total, and the highest single process ("per worker").',
    `- (1) **hub gateway**: \`node ${HUB_NODE_FLAGS.join(' ')} --import tsx gateway/src/index.ts\` (as \`npm run start:gateway\`), \`NODE_ENV=production\`, \`COLLAPSE_OPERATIONS=off|on\`, \`${Object.entries(
      HUB_RACE_ENV,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ' ',
      )}\` (its default estimated-cost limit, 50,000 with lists counted as 10 items, refuses TestQuery's five nested lists as too expensive)${hubEnv ? `, \`${hubEnv}\`` : ''}, everything it does in production on: a real RS256 token (client credentials of machine client \`${CLIENT_ID}\`, role machine-client, region 330000, from the development identity provider run by the race) verified against the realm's JWKS, admission with the persisted-operation allow-list (a generated manifest registering \`TestQuery\` for \`${CLIENT_ID}\`, rate limit ${CLIENT_RATE_LIMIT.perSecond}/s so it never throttles), one hash-chained audit entry per request written as \`audit_writer\` to PostgreSQL (a throwaway database, dropped at the end), and the Ed25519-signed identity header on every subgraph fetch. Node processes seen: ${processes('hub')}. (1b) is the same with \`GATEWAY_WORKERS=2\` (node:cluster: a supervisor and two workers sharing the port); processes seen: ${processes('hub2')}.`,
    `- (2) **@apollo/gateway** 2.14.4 on @apollo/server 5.5.1 with defaults (\`bench/federation/apollo-gateway.ts\`: ApolloGateway({ supergraphSdl }) + startStandaloneServer, like the public benchmark's gateways/apollo-gateway/index.ts), \`NODE_ENV=production\`, one process. It has no collapsing of client operations: the same in both runs.`,
    `- (3) **Hive Gateway** 2.15.1 + @graphql-hive/router-runtime 1.4.23 (Rust query planner), \`NODE_ENV=production hive-gateway supergraph <path> --config-path bench/federation/hive-gateway.ts --hive-router-runtime\` (the CLI and the planner from the benchmarks' own package, bench/deps; the flag sets the \`unifiedGraphHandler\` that the public benchmark's config file sets); \`inboundInflightRequestDeduplication: false\` (off run) / \`true\` (on run); its deduplication of identical subgraph fetches at its default (on). The CLI does not fork in production unless told (\`--fork\`/\`FORK\`, default 1): Node processes seen: ${processes('hive')}.`,
  ];
  for (const mode of opts.collapse) {
    const s = summaries.get(mode) ?? [];
    parts.push(
      '',
      `### In-flight collapsing of identical client operations ${mode === 'off' ? '**off** on every gateway' : '**on** for every gateway that has it (hub, Hive)'}`,
      '',
      raceTable(s),
      '',
      `Subgraphs' CPU ms per request: ${s.map((x) => `${x.gateway} ${fmt(x.subgraphCpuMsPerRequest, 2)}`).join(', ')}.`,
      '',
      goalLine(mode, s),
    );
  }
  parts.push(
    '',
    `Goal: the hub ≥ 1.0× Hive's RPS and ≤ its p95 in both runs, 0 wrong answers, peak RSS ≤ 300 MB per worker. Raw figures of every round: \`.tmp/bench-gateway.json\`.`,
  );
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseRaceOptions(process.env);
  if (opts.gateways.includes('hive')) ensureBenchDeps();
  mkdirSync(TMP, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of stops.reverse()) await fn().catch((err: unknown) => console.error('cleanup:', err));
    stops.length = 0;
  };
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${sig}: stopping the race…`);
      void stopAll(2_000)
        .then(cleanup)
        .finally(() => process.exit(130));
    });
  }

  try {
    console.log(
      `gateway race: ${opts.gateways.join(', ')}; collapsing ${opts.collapse.join(', ')}; ${opts.rounds} rounds of ${opts.warmupSeconds} s warm-up + ${opts.seconds} s, ${opts.connections} connections`,
    );
    const keys = generateKeyPairSync('ed25519');
    const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

    const idp = await startDevIdentityProvider({ port: 0, nodeEnv: 'development', accounts: [], machineClients: [] });
    stops.push(() => idp.stop());
    idp.addMachineClient({ clientId: CLIENT_ID, secret: `${CLIENT_ID}-secret`, roles: ['machine-client'], regionCode: '330000' });

    const database = await createTestDatabase({ subgraphs: ['audit'] });
    stops.push(() => database.drop());

    const manifestPath = join(TMP, 'persisted-operations.json');
    writeFileSync(
      manifestPath,
      JSON.stringify(
        { clients: { [CLIENT_ID]: { rateLimit: CLIENT_RATE_LIMIT, operations: [{ name: 'TestQuery', document: BENCH_QUERY }] } } },
        null,
        2,
      ),
    );

    const supergraphPath = join(TMP, 'supergraph.graphql');
    const subgraphs = await startSubgraphs(publicKeyPem, supergraphPath);
    stops.push(() => subgraphs.stop(5_000));

    const expected = expectedBenchBody();
    const shared: Shared = { subgraphs, supergraphPath, idp, database, privateKeyPem, manifestPath, expected };

    const results: RoundResult[] = [];
    const summaries = new Map<CollapseMode, GatewaySummary[]>();
    for (const mode of opts.collapse) {
      console.log(`\n=== collapsing of identical client operations: ${mode} ===`);
      for (let round = 0; round < opts.rounds; round++) {
        for (const id of roundOrder(opts.gateways, round)) {
          process.stdout.write(`round ${round + 1}, ${GATEWAY_LABELS[id]}: `);
          const since = Date.now();
          const r = await raceOne(id, mode, round, shared, opts);
          console.log(line(r));
          if ((id === 'hub' || id === 'hub2') && opts.cpuProf) {
            r.profiles = newProfiles(
              since,
              (r.perProcess ?? []).map((p) => p.pid),
            );
            printProfiles(r.profiles);
          }
          results.push(r);
        }
      }
      const s = opts.gateways.map((g) =>
        summarise(
          g,
          results.filter((r) => r.collapse === mode),
        ),
      );
      summaries.set(mode, s);
      console.log(`\n${raceTable(s)}\n\n${goalLine(mode, s)}`);
    }

    const bodyKb = `${(Buffer.byteLength(expected) / 1024).toFixed(1)} kB`;
    writeFileSync(
      RAW,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: machine(),
          options: opts,
          expectedBodyBytes: Buffer.byteLength(expected),
          summaries: Object.fromEntries(summaries),
          rounds: results,
        },
        null,
        2,
      ),
    );
    const content = section(opts, results, summaries, bodyKb);
    if (opts.writeDocs) {
      replaceSection(DOCS, SECTION, content);
      console.log(`\nwritten: docs/benchmarks.md (section ${SECTION}), ${RAW.slice(ROOT.length + 1)}`);
    } else {
      console.log(`\nwritten: ${RAW.slice(ROOT.length + 1)} (docs not written: BENCH_WRITE_DOCS=0)`);
    }
  } finally {
    await stopAll(5_000);
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  killAllNow();
  process.exit(1);
});
