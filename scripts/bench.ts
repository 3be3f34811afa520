/**
 * `npm run bench` — the foundation's figures, measured on this machine and written to
 * docs/benchmarks.md:
 *   1. gateway vs. the directory subgraph directly, same realistic query (autocannon);
 *   2. batching: `_entities` with 1,000 Hospital representations, and 500 hospitals with their first
 *      5 staff each (nested lists, on the province seed): SQL statements and latency
 *      (scripts/lib/batching.ts; BENCH_ONLY=batching runs only this part, and rewrites only its section);
 *   3. city seed load time on real PostgreSQL (COPY);
 *   4. `npm start` to ready on the embedded default, and the whole stack's RSS;
 *   5. the supervisor console under load: 60 hospitals for mixed identities, collapsing off/on
 *      (scripts/lib/console-load.ts; BENCH_ONLY=console runs only this part, after the city seed,
 *      and rewrites only its section of docs/benchmarks.md — BENCH_WRITE_DOCS=0 to keep the file).
 * Needs PostgreSQL (TEST_DATABASE_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir, release } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { createLogger } from '#common/logger.js';
import { runSeeds } from '#platform/seed/run.js';
import { subgraphNamed } from '../subgraphs/registry.js';
import { embeddedHubEnv } from '../tests/helpers/hub-env.js';
import { DEFAULT_USER, startStack } from '#testing/stack.js';
import { identityOf } from '#testing/identities.js';
import { createIdentitySigner } from '#common/identity-signature.js';
import { IDENTITY_HEADER } from '#common/identity.js';
import { gql } from '#testing/graphql.js';
import { replaceSection, writeDocumentKeepingSections } from './lib/doc-section.js';
import { CONSOLE_SECTION, parseConsoleOptions, runConsoleLoad } from './lib/console-load.js';
import { BATCHING_SECTION, batchingMarkdown, measureEntities, measureNested } from './lib/batching.js';
import { PROCUREMENT_SECTION, runProcurementBench } from './lib/bench-procurement.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
/** Throughput with concurrent clients (all processes share the machine's cores). */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** A supervisor console's city list: 50 hospitals with their directory fields, department and staff counts. */
export const CONSOLE_QUERY = `query CityHospitals($region: ID!) {
  hospitals(filter: { regionCode: $region }, first: 50) {
    totalCount
    nodes { code name level grade ownership type bedCount address region { code name } departmentCount staffCount }
  }
}`;

/** The same list with every department spelled out (≈ 600 departments): a heavy page. */
export const CONSOLE_QUERY_WITH_DEPARTMENTS = `query CityHospitalsWithDepartments($region: ID!) {
  hospitals(filter: { regionCode: $region }, first: 50) {
    totalCount
    nodes { code name level grade ownership type bedCount address region { code name } departmentCount staffCount departments { id name specialty } }
  }
}`;

interface Run {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

type Target = { url: string; headers: Record<string, string> };

async function load(target: Target, body: string, connections: number): Promise<Run> {
  const opts = {
    url: target.url,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
    connections,
  };
  await autocannon({ ...opts, duration: 3 }); // warm-up: plan cache, JIT, pools
  const r = await autocannon({ ...opts, duration: DURATION });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p95: (r.latency as unknown as Record<string, number>).p97_5 ?? r.latency.p99,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

/**
 * Latency the gateway adds: requests to the subgraph and through the gateway, interleaved one by
 * one (alternating which goes first) on one keep-alive connection each, so both see the same
 * machine at the same moment; each timed to 0.01 ms (autocannon's histogram is in whole ms).
 */
async function interleaved(direct: Target, gateway: Target, body: string, seconds: number): Promise<{ d: Run; g: Run }> {
  const agents = [new Agent({ connections: 1 }), new Agent({ connections: 1 })] as const;
  const send = async (target: Target, agent: Agent) => {
    const started = performance.now();
    const res = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body,
      dispatcher: agent,
    });
    await res.body.text();
    return { ms: performance.now() - started, ok: res.statusCode === 200 };
  };
  const times: [number[], number[]] = [[], []];
  const errors = [0, 0];
  for (let i = 0, end = performance.now() + (seconds + 3) * 1000, measureFrom = performance.now() + 3_000; performance.now() < end; i++) {
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const { ms, ok } = await send(k === 0 ? direct : gateway, agents[k]!);
      if (performance.now() < measureFrom) continue; // warm-up
      times[k]!.push(ms);
      if (!ok) errors[k]! += 1;
    }
  }
  await Promise.all(agents.map((a) => a.close()));
  const run = (t: number[], err: number): Run => {
    t.sort((a, b) => a - b);
    const at = (q: number) => Number(t[Math.min(t.length - 1, Math.floor(q * t.length))]!.toFixed(2));
    return { rps: t.length / seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99), errors: err, non2xx: 0, requests: t.length };
  };
  return { d: run(times[0], errors[0]!), g: run(times[1], errors[1]!) };
}

/** Waits (up to 2 min) until no autovacuum worker runs on the server. */
async function untilAutovacuumIdle(pool: import('pg').Pool): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    );
    if (rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function startToReady(dataDir: string): Promise<{ seconds: number; rssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=32', '--import', 'tsx', 'scripts/start.ts'], {
    // As a user runs it: development defaults, so the development identity provider starts too.
    env: { ...embeddedHubEnv(dataDir, process.env), NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { seconds, pid } = await new Promise<{ seconds: number; pid: number }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Integrity Hub is up')) resolve({ seconds: (performance.now() - started) / 1000, pid: child.pid! });
    });
    child.on('exit', (code) => reject(new Error(`start exited ${code}: ${out.slice(-2000)}`)));
  });
  const rssMb = await treeRssMb(pid);
  child.kill('SIGINT');
  await new Promise((resolve) => child.on('exit', resolve));
  return { seconds, rssMb };
}

/** RSS of a process and all its descendants (npx → tsx → node), from /proc. */
async function treeRssMb(root: number): Promise<number> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents)
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return Math.round(kb / 1024);
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main() {
  const only = process.env.BENCH_ONLY;
  if (only && !['console', 'batching', 'procurement'].includes(only))
    throw new Error(`BENCH_ONLY: unknown part "${only}" (known: console, batching, procurement)`);
  const consoleOptions = parseConsoleOptions(process.env);
  const log = createLogger({ level: 'silent' });
  console.log('starting the stack on a scratch PostgreSQL database…');
  // One load generator from one address would meet the per-caller rate limit (429) at 100 req/s.
  const stack = await startStack({ log, gatewayEnv: { RATE_LIMIT_PER_SECOND: '0' } });
  let report: string;
  try {
    const directory = stack.subgraphs.directory!;
    const seedStarted = performance.now();
    const seedDirectory = (scale: 'city' | 'province') =>
      runSeeds([{ target: { name: 'directory', pool: directory.db.pool, method: 'copy' }, seed: subgraphNamed('directory').seed! }], {
        scale,
        reset: true,
        progress: false,
      });
    const seeded = await seedDirectory('city');
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`city seed: ${fmt(seedSeconds)} s`, seeded.directory);
    await directory.db.pool.query('ANALYZE');
    if (only === 'procurement') {
      const markdown = await runProcurementBench(stack);
      if (process.env.BENCH_WRITE_DOCS !== '0') replaceSection('docs/benchmarks.md', PROCUREMENT_SECTION, markdown);
      console.log(`\n${markdown}`);
      return;
    }
    if (only === 'console') {
      const c = await runConsoleLoad(stack, consoleOptions);
      if (process.env.BENCH_WRITE_DOCS !== '0') replaceSection('docs/benchmarks.md', CONSOLE_SECTION, c.markdown);
      console.log(`\n${c.markdown}`);
      return;
    }

    // Both sides authenticated as a province supervisor: the gateway with a bearer token (verified,
    // then cached), the subgraph directly with the identity header the gateway would sign for it.
    const direct: Target = {
      url: directory.url,
      headers: {
        [IDENTITY_HEADER]: await createIdentitySigner(stack.identityKeys.privateKey, 3_600).sign(
          identityOf(['supervisor'], { regionCode: '330000' }),
          null,
          'directory',
        ),
      },
    };
    const gateway: Target = { url: stack.gatewayUrl, headers: { authorization: `Bearer ${await stack.token(DEFAULT_USER)}` } };
    const batchingTarget = { ...direct, db: directory.db };
    const entities = await measureEntities(batchingTarget);
    if (only === 'batching') {
      await seedDirectory('province');
      await directory.db.pool.query('ANALYZE');
      const markdown = batchingMarkdown(entities, await measureNested(batchingTarget));
      if (process.env.BENCH_WRITE_DOCS !== '0') replaceSection('docs/benchmarks.md', BATCHING_SECTION, markdown);
      console.log(`\n${markdown}`);
      return;
    }

    const bodyOf = (query: string) => JSON.stringify({ query, variables: { region: '330500' } });
    const checks = await Promise.all(
      [CONSOLE_QUERY, CONSOLE_QUERY_WITH_DEPARTMENTS].map((q) =>
        gql<{ hospitals: { nodes: unknown[] } }>(stack.gatewayUrl, q, { region: '330500' }, gateway.headers),
      ),
    );
    for (const c of checks) if (c.body.data?.hospitals.nodes.length !== 50) throw new Error(`bench query failed: ${c.text.slice(0, 300)}`);
    const [light, heavy] = checks.map((c) => `${Math.round(c.text.length / 1024)} kB`);
    const statementsOf = async (query: string) => {
      const before = directory.db.stats.statements;
      await gql(stack.gatewayUrl, query, { region: '330500' }, gateway.headers);
      return directory.db.stats.statements - before;
    };
    const [lightSql, heavySql] = [await statementsOf(CONSOLE_QUERY), await statementsOf(CONSOLE_QUERY_WITH_DEPARTMENTS)];
    const best = (a: Run, b: Run) => (a.p50 <= b.p50 ? a : b);
    const rounds = async (body: string, connections: number) => {
      console.log(`load: ${connections} connections, ${DURATION} s each, direct / gateway alternating…`);
      const [d1, g1, d2, g2] = [
        await load(direct, body, connections),
        await load(gateway, body, connections),
        await load(direct, body, connections),
        await load(gateway, body, connections),
      ];
      return { d: best(d1, d2), g: best(g1, g2) };
    };
    console.log(`latency: direct and gateway interleaved, ${2 * DURATION} s per query…`);
    const latency = await interleaved(direct, gateway, bodyOf(CONSOLE_QUERY), 2 * DURATION);
    const heavyLatency = await interleaved(direct, gateway, bodyOf(CONSOLE_QUERY_WITH_DEPARTMENTS), 2 * DURATION);
    const { d, g } = await rounds(bodyOf(CONSOLE_QUERY), CONNECTIONS);
    const failures = [latency.d, latency.g, heavyLatency.d, heavyLatency.g, d, g].reduce((n, r) => n + r.errors + r.non2xx, 0);
    if (failures) console.error(`WARNING: ${failures} failed requests during the load — the figures below are not valid`);

    // On the city seed still (the province seed below replaces it).
    const consoleLoad = await runConsoleLoad(stack, consoleOptions);
    console.log(`\nsupervisor console under load:\n${consoleLoad.table}\n`);

    console.log('procurement: the city-year seeded, its flags, its figures through the gateway, the feeds…');
    const procurementMarkdown = await runProcurementBench(stack);

    console.log('province seed (20 cities)…');
    const provinceStarted = performance.now();
    const province = await seedDirectory('province');
    const provinceSeconds = (performance.now() - provinceStarted) / 1000;
    await directory.db.pool.query('ANALYZE');
    console.log('nested lists on the province: 500 hospitals with their first 5 staff each…');
    const nested = await measureNested(batchingTarget);

    console.log('npm start on the embedded default (fresh data folder, then again on the same folder)…');
    const dataDir = mkdtempSync(join(tmpdir(), 'ih-bench-'));
    // on a quiet machine: the loads above leave PostgreSQL's autovacuum busy on the bench database for a while
    await untilAutovacuumIdle(directory.db.pool);
    const fresh = await startToReady(join(dataDir, 'pglite'));
    const again = await startToReady(join(dataDir, 'pglite'));
    rmSync(dataDir, { recursive: true, force: true });

    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM (${Math.round(freemem() / 2 ** 30)} GiB free), Linux ${release()}, Node ${process.version}`;
    const row = (name: string, r: Run) =>
      `| ${name} | ${fmt(r.rps, 0)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.requests} | ${r.errors + r.non2xx} |`;
    report = `# Benchmarks

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} — ${machine}.
PostgreSQL 15 on loopback, \`NODE_ENV=production\`; the directory seeded with the city scale; gateway, subgraph, database and load generator all on this machine's ${cpus().length} cores. Throughput by autocannon, ${DURATION} s per round after a 3 s warm-up, two alternating rounds per target (the better round by p50 is shown).

## Gateway overhead — a supervisor console's city list

\`CityHospitals\`: 50 hospitals of a city with 10 directory fields, their region, department and staff counts (${light}, ${lightSql} SQL statements). Latency the gateway adds — requests to the subgraph and through the gateway interleaved one by one (so both meet the same machine at the same moment), one keep-alive connection each, each timed to 0.01 ms, ${2 * DURATION} s after a 3 s warm-up:

| target | req/s | p50 ms | p95 ms | p99 ms | requests | errors |
|---|---|---|---|---|---|---|
${row('gateway → directory', latency.g)}
${row('directory directly', latency.d)}

**Gateway overhead at p50: ${fmt(latency.g.p50 - latency.d.p50, 2)} ms** (target ≤ 3 ms).

Both sides are authenticated as a province supervisor, as in production: through the gateway with a bearer token
(RS256 JWT from the development provider, verified by keycloak-connect once and then cached until it expires),
directly with the Ed25519-signed identity header the gateway would send. The gateway's share therefore includes
admission (token, rate limit, allow-list check), the signed header (cached per identity and subgraph), the
subgraphs' audit reports and one audit entry per request (batched, hash-chained, written off the request path),
and the subgraph's share includes the row scope and the access rules.

\`CityHospitalsWithDepartments\`: the same with every department listed (≈ 600 departments × 3 fields, ${heavy}, ${heavySql} SQL statements):

| target | req/s | p50 ms | p95 ms | p99 ms | requests | errors |
|---|---|---|---|---|---|---|
${row('gateway → directory', heavyLatency.g)}
${row('directory directly', heavyLatency.d)}

Gateway overhead at p50: **${fmt(heavyLatency.g.p50 - heavyLatency.d.p50, 2)} ms**. @apollo/gateway re-shapes every subgraph response field by field (\`computeResponse\` in its \`resultShaping.js\` — about half of the gateway's CPU for this query in \`node --cpu-prof\`), so the overhead grows with the size of the answer.

Throughput — \`CityHospitals\`, autocannon, ${CONNECTIONS} connections (the gateway's per-caller rate limit is off for this run: one load generator is one caller):

| target | req/s | p50 ms | p97.5 ms | p99 ms | requests | errors |
|---|---|---|---|---|---|---|
${row('gateway → directory', g)}
${row('directory directly', d)}

Throughput ratio gateway / direct: ${fmt(g.rps / d.rps, 2)}. The gateway and the subgraph compete for the same two cores; all 10 connections send the same query as the same supervisor, so with the gateway's default in-flight collapsing (\`COLLAPSE_OPERATIONS=on\`) most requests share an execution already running, which the subgraph alone cannot do. The console load below measures the same effect with mixed identities, off and on.

<!-- BEGIN ${CONSOLE_SECTION} -->
${consoleLoad.markdown}
<!-- END ${CONSOLE_SECTION} -->

<!-- BEGIN ${PROCUREMENT_SECTION} -->
${procurementMarkdown}
<!-- END ${PROCUREMENT_SECTION} -->

<!-- BEGIN ${BATCHING_SECTION} -->
${batchingMarkdown(entities, nested)}
<!-- END ${BATCHING_SECTION} -->

## Data and start-up

| figure | value | target |
|---|---|---|
| city seed load (${Object.entries(seeded.directory ?? {})
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), COPY on PostgreSQL | **${fmt(seedSeconds)} s** | ≤ 30 s |
| province seed load (${Object.entries(province.directory ?? {})
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), COPY | ${fmt(provinceSeconds)} s | — |
| \`npm start\` to ready, embedded default, fresh data folder (includes loading the demo city) | **${fmt(fresh.seconds)} s** | ≤ 20 s |
| \`npm start\` to ready, embedded default, existing data folder | ${fmt(again.seconds)} s | — |
| whole stack RSS after start (the hub's process: PGlite, the subgraphs and the gateway; \`npm\` itself adds ≈ 65 MB) | **${fresh.rssMb} MB** (${again.rssMb} MB on the second start) | ≤ 600 MB |

Start-up is timed from spawning \`node --expose-gc --max-semi-space-size=32 --import tsx scripts/start.ts\` to the "up" line; \`npm start\` is this command; it checks generation itself (the Prisma clients and resolver types, rebuilt only when their inputs' hashes changed, so skipped here).
`;
  } finally {
    await stack.stop();
  }
  // Keeps the sections other benchmarks write there (`npm run bench:gateway`).
  writeDocumentKeepingSections('docs/benchmarks.md', report);
  console.log(report);
}

if (process.argv[1]?.endsWith('bench.ts'))
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
