/**
 * The supervisor-console load of `npm run bench` (scripts/bench.ts, after its own measurements):
 * the console's ranked list of 60 hospitals with their directory fields, polled back-to-back by
 * 50 consoles signed in as a dozen identities of mixed roles and scopes, through the hub gateway
 * run as its own process (so its CPU and RSS are its own) — once with in-flight collapsing of
 * identical client operations off, once on, fresh processes alternating (off, on, on, off …).
 *
 * Every response is checked against its own identity's reference answer, byte for byte: a
 * collapsed answer handed to a caller of another scope would show here as a wrong answer.
 *
 * Options (env): BENCH_CONSOLE_SECONDS=15  BENCH_CONSOLE_WARMUP_SECONDS=3  BENCH_CONSOLE_ROUNDS=2 (≥ 2)
 * BENCH_CONSOLE_CONNECTIONS=50.
 */
import { baseEnv, freePort, startChild, type Child } from './children.js';
import autocannon from 'autocannon';
import type { HubRole } from '#common/identity.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import type { Stack } from '#testing/stack.js';
import { measureCpu, sampleRss } from './proc-metrics.js';
import { errorsOf, fmt, percentile, summariseRounds, windowFigures, type LoadWindow, type RoundsSummary } from './race.js';

/** Name of the marked section of docs/benchmarks.md (doc-section.ts) this part is written in. */
export const CONSOLE_SECTION = 'bench:console';

/** How many hospitals the console lists. */
export const CONSOLE_PAGE = 60;

/**
 * The console's ranked list. Every identity sends the same document, without a filter: the hub
 * applies each caller's scope, so the same bytes ask for different answers — exactly what
 * collapsing must never mix up. There is no ranking field yet (the integrity index comes with a
 * later subgraph), so the list is in the directory's order (by code).
 */
export const CONSOLE_LIST_QUERY = `query SupervisorConsole {
  hospitals(first: ${CONSOLE_PAGE}) {
    totalCount
    nodes { code name level grade ownership type bedCount address region { code name } departmentCount staffCount }
  }
}`;

// ---------------------------------------------------------------------------------------------
// Options.

export interface ConsoleOptions {
  seconds: number;
  warmupSeconds: number;
  /** Rounds of (off, on) / (on, off), alternating; at least 2. */
  rounds: number;
  connections: number;
}

const number = (raw: string | undefined, dflt: number, what: string, min: number): number => {
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${what} must be a number ≥ ${min} (got ${raw})`);
  return n;
};

export function parseConsoleOptions(env: Record<string, string | undefined>): ConsoleOptions {
  return {
    seconds: number(env.BENCH_CONSOLE_SECONDS, 15, 'BENCH_CONSOLE_SECONDS', 1),
    warmupSeconds: number(env.BENCH_CONSOLE_WARMUP_SECONDS, 3, 'BENCH_CONSOLE_WARMUP_SECONDS', 0),
    rounds: Math.max(2, Math.floor(number(env.BENCH_CONSOLE_ROUNDS, 2, 'BENCH_CONSOLE_ROUNDS', 1))),
    connections: Math.floor(number(env.BENCH_CONSOLE_CONNECTIONS, 50, 'BENCH_CONSOLE_CONNECTIONS', 1)),
  };
}

export type Mode = 'off' | 'on';

/** Round r runs (off, on) when r is even, (on, off) when odd: off, on, on, off, off, on … */
export const modeOrder = (round: number): Mode[] => (round % 2 === 0 ? ['off', 'on'] : ['on', 'off']);

// ---------------------------------------------------------------------------------------------
// Identities.

export interface ConsoleAccount {
  username: string;
  roles: HubRole[];
  regionCode?: string;
  hospitalCode?: string;
  /** Who this is, for the report. */
  label: string;
}

/**
 * A dozen console users of the city-scale world (湖州 330500 with its districts 330502 吴兴,
 * 330503 南浔, 330521 德清, in 浙江 330000). Several share a scope (same role and region), so
 * collapsing has something to share; the others differ by role, by region or by hospital, so it
 * has something it must never cross. `hospitals` are two real hospital codes of the database.
 */
export function consoleAccounts(hospitals: readonly [string, string]): ConsoleAccount[] {
  const [a, b] = hospitals;
  return [
    { username: 'console-province-supervisor-1', roles: ['supervisor'], regionCode: '330000', label: 'province supervisor (浙江)' },
    { username: 'console-province-supervisor-2', roles: ['supervisor'], regionCode: '330000', label: 'province supervisor (浙江)' },
    { username: 'console-city-supervisor-1', roles: ['supervisor'], regionCode: '330500', label: 'city supervisor (湖州)' },
    { username: 'console-city-supervisor-2', roles: ['supervisor'], regionCode: '330500', label: 'city supervisor (湖州)' },
    { username: 'console-wuxing-supervisor-1', roles: ['supervisor'], regionCode: '330502', label: 'district supervisor (吴兴)' },
    { username: 'console-wuxing-supervisor-2', roles: ['supervisor'], regionCode: '330502', label: 'district supervisor (吴兴)' },
    { username: 'console-nanxun-supervisor', roles: ['supervisor'], regionCode: '330503', label: 'district supervisor (南浔)' },
    { username: 'console-city-inspector', roles: ['inspector'], regionCode: '330500', label: 'city inspector (湖州)' },
    { username: 'console-deqing-inspector', roles: ['inspector'], regionCode: '330521', label: 'district inspector (德清)' },
    { username: 'console-province-analyst', roles: ['analyst'], regionCode: '330000', label: 'province analyst (浙江)' },
    { username: 'console-officer-a', roles: ['hospital-officer'], hospitalCode: a, label: `hospital officer (${a})` },
    { username: 'console-officer-b', roles: ['hospital-officer'], hospitalCode: b, label: `hospital officer (${b})` },
  ];
}

/**
 * What can change an account's answer: roles, region, hospital (the hub's identity scope key,
 * identity.ts `identityScopeKey`, without the parts that are the same for every console user:
 * kind `user`, no unmask reason). Not the username.
 */
export const scopeKeyOf = (a: Pick<ConsoleAccount, 'roles' | 'regionCode' | 'hospitalCode'>): string =>
  JSON.stringify([[...a.roles].sort(), a.regionCode ?? null, a.hospitalCode ?? null]);

/** Connection i is the console of identity i mod n: every identity gets ⌊c/n⌋ or ⌈c/n⌉ connections. */
export function assignIdentities(connections: number, identities: number): number[] {
  if (!Number.isInteger(identities) || identities < 1) throw new Error('at least one identity is needed');
  if (!Number.isInteger(connections) || connections < identities)
    throw new Error(`${connections} connections cannot give each of ${identities} identities a console`);
  return Array.from({ length: connections }, (_, i) => i % identities);
}

/** How many connections each scope key has, given each connection's identity. */
export function connectionsPerScope(assignment: readonly number[], scopeKeys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const identity of assignment) {
    const key = scopeKeys[identity];
    if (key === undefined) throw new Error(`connection assigned to unknown identity ${identity}`);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// References: each identity's answer, fetched once, sequentially, with collapsing off.

export interface Reference {
  username: string;
  scopeKey: string;
  /** The exact body the gateway answered. */
  body: string;
  /** Codes of every hospital the account may see, read from the database (not through the hub). */
  visibleCodes: readonly string[];
}

interface ListAnswer {
  data?: { hospitals?: { totalCount?: number; nodes?: { code?: string }[] } } | null;
  errors?: unknown[];
}

/**
 * Problems with one reference answer: not a list, errors, a hospital outside what the account may
 * see, a wrong total, or a page shorter than it should be.
 */
export function checkReferenceBody(body: string, visibleCodes: readonly string[], page = CONSOLE_PAGE): string[] {
  let answer: ListAnswer;
  try {
    answer = JSON.parse(body) as ListAnswer;
  } catch {
    return [`not JSON: ${body.slice(0, 200)}`];
  }
  if (answer.errors?.length) return [`errors: ${JSON.stringify(answer.errors).slice(0, 300)}`];
  const list = answer.data?.hospitals;
  if (!list || !Array.isArray(list.nodes)) return [`no hospital list: ${body.slice(0, 200)}`];
  const problems: string[] = [];
  const visible = new Set(visibleCodes);
  const outside = list.nodes.map((n) => n.code).filter((c) => typeof c !== 'string' || !visible.has(c));
  if (outside.length) problems.push(`${outside.length} hospitals outside the account's scope (${outside.slice(0, 3).join(', ')}…)`);
  if (list.totalCount !== visibleCodes.length) problems.push(`totalCount ${list.totalCount}, the account may see ${visibleCodes.length}`);
  const expectedLength = Math.min(page, visibleCodes.length);
  if (list.nodes.length !== expectedLength) problems.push(`${list.nodes.length} hospitals listed, expected ${expectedLength}`);
  if (new Set(list.nodes.map((n) => n.code)).size !== list.nodes.length) problems.push('a hospital listed twice');
  return problems;
}

/**
 * The references as a whole: accounts of the same scope must get the same bytes (else sharing an
 * answer between them would change what one of them sees); accounts that may see different
 * hospitals must get different bytes (the scopes really differ: a check that could catch the
 * load's wrong answers has something to catch); and there must be more than one answer at all.
 * Scopes that see the same hospitals (in the city-scale world, 浙江 and 湖州) may share bytes.
 */
export function checkReferences(refs: readonly Reference[]): string[] {
  const problems: string[] = [];
  const byScope = new Map<string, Reference>();
  for (const r of refs) {
    const first = byScope.get(r.scopeKey);
    if (!first) byScope.set(r.scopeKey, r);
    else if (first.body !== r.body) problems.push(`${r.username} and ${first.username} share a scope but got different answers`);
  }
  const scopes = [...byScope.values()];
  for (let i = 0; i < scopes.length; i++) {
    for (let j = i + 1; j < scopes.length; j++) {
      const [x, y] = [scopes[i]!, scopes[j]!];
      const sameHospitals = [...x.visibleCodes].sort().join() === [...y.visibleCodes].sort().join();
      if (!sameHospitals && x.body === y.body)
        problems.push(`${x.username} and ${y.username} may see different hospitals but got the same answer`);
    }
  }
  if (refs.length > 1 && new Set(refs.map((r) => r.body)).size < 2)
    problems.push('every account got the same answer: the scopes do not differ');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Checking every answer of the load.

export type Verdict = 'correct' | 'wrong' | 'non2xx';

/**
 * Per-connection answer checking: a 2xx whose body is not byte-for-byte its own identity's
 * reference is a wrong answer; if it is another scope's reference, it is a scope crossing.
 */
export class AnswerChecker {
  correct = 0;
  wrong = 0;
  /** Wrong answers that are another scope's reference answer. */
  crossScope = 0;
  non2xx = 0;
  /** The first wrong answer, for diagnosis. */
  sample: string | undefined;
  private readonly scopeOfBody = new Map<string, string>();

  constructor(private readonly refs: readonly Pick<Reference, 'username' | 'scopeKey' | 'body'>[]) {
    for (const r of refs) if (!this.scopeOfBody.has(r.body)) this.scopeOfBody.set(r.body, r.scopeKey);
  }

  check(identity: number, status: number, body: string): Verdict {
    if (status < 200 || status >= 300) {
      this.non2xx++;
      return 'non2xx';
    }
    const ref = this.refs[identity];
    if (!ref) throw new Error(`no reference for identity ${identity}`);
    if (body === ref.body) {
      this.correct++;
      return 'correct';
    }
    this.wrong++;
    const other = this.scopeOfBody.get(body);
    const crossed = other !== undefined && other !== ref.scopeKey;
    if (crossed) this.crossScope++;
    this.sample ??= `${ref.username}${crossed ? ` got the answer of scope ${other}` : ''}: ${body.slice(0, 300)}`;
    return 'wrong';
  }
}

/**
 * autocannon 9 accumulates a response body as a string, `req.body += chunk` per socket read
 * (lib/pipelinedRequestsQueue.js), which decodes each chunk on its own: a UTF-8 character split
 * between two reads becomes U+FFFD twice, and a correct Chinese answer would compare as wrong.
 * This keeps a queue's chunks as bytes and decodes each body whole. Applied to each client's
 * `pipelinedRequests` in `setupClient` (which autocannon calls before the first request).
 */
export interface BodyQueue {
  peek(): { body: string } | undefined;
  addBody(data: Buffer): void;
  terminateRequest(): { body: string } | undefined;
}

export function decodeBodiesWhole(queue: BodyQueue): void {
  if (typeof queue?.peek !== 'function' || typeof queue.addBody !== 'function' || typeof queue.terminateRequest !== 'function') {
    throw new Error('autocannon internals changed: a client has no pipelinedRequests queue (peek/addBody/terminateRequest)');
  }
  const chunks = new WeakMap<object, Buffer[]>();
  queue.addBody = (data: Buffer) => {
    const req = queue.peek();
    if (!req) return;
    let list = chunks.get(req);
    if (!list) chunks.set(req, (list = []));
    list.push(Buffer.from(data)); // a copy: the slice is a view of the socket's chunk
  };
  const terminate = queue.terminateRequest.bind(queue);
  queue.terminateRequest = () => {
    const req = terminate();
    if (req) {
      const list = chunks.get(req);
      req.body = list ? Buffer.concat(list).toString('utf8') : '';
    }
    return req;
  };
}

// ---------------------------------------------------------------------------------------------
// Figures.

export interface ConsoleRound extends LoadWindow {
  mode: Mode;
  round: number;
  /** Right answers of another scope (a crossing): counted in wrongAnswers too. */
  crossScope: number;
  /** Highest RSS of the gateway's process tree from start to stop. */
  peakRssMb: number;
  /** SQL statements the directory ran in the timed window. */
  sqlStatements: number;
  /** CPU of the bench's own process in the window: the subgraphs, their database clients and the load generator. */
  benchProcessCpuMs: number;
  warmup: { responses: number; errors: number; wrongAnswers: number };
}

export interface ConsoleSummary extends RoundsSummary {
  mode: Mode;
  crossScope: number;
  /** Warm-ups' wrong answers (not in the figures, but a wrong answer anywhere is a failure). */
  warmupWrongAnswers: number;
  sqlPerRequest: number;
  benchProcessCpuMsPerRequest: number;
  peakRssMb: number;
}

export function summariseMode(rounds: readonly ConsoleRound[], mode: Mode): ConsoleSummary {
  const mine = rounds.filter((r) => r.mode === mode);
  const { sum, ...common } = summariseRounds(mine);
  const per = (total: number) => (common.responses ? total / common.responses : NaN);
  return {
    mode,
    ...common,
    crossScope: sum((r) => r.crossScope),
    warmupWrongAnswers: sum((r) => r.warmup.wrongAnswers),
    sqlPerRequest: per(sum((r) => r.sqlStatements)),
    benchProcessCpuMsPerRequest: per(sum((r) => r.benchProcessCpuMs)),
    peakRssMb: mine.length ? Math.max(...mine.map((r) => r.peakRssMb)) : NaN,
  };
}

/** RPS with collapsing on over RPS with it off (NaN when either is missing). */
export const collapsingRatio = (summaries: readonly ConsoleSummary[]): number => {
  const on = summaries.find((s) => s.mode === 'on');
  const off = summaries.find((s) => s.mode === 'off');
  return on && off && off.rps > 0 ? on.rps / off.rps : NaN;
};

export function consoleTable(summaries: readonly ConsoleSummary[]): string {
  const rows = (['off', 'on'] as const).flatMap((mode) => {
    const s = summaries.find((x) => x.mode === mode);
    if (!s) return [];
    return [
      `| ${mode} | ${fmt(s.rps, 0)} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${s.errors} | ${s.wrongAnswers} | ${fmt(s.cpuMsPerRequest, 2)} | ${fmt(s.peakRssMb, 0)} | ${fmt(s.sqlPerRequest, 2)} |`,
    ];
  });
  return [
    '| collapsing | median RPS | p50 ms | p95 ms | p99 ms | errors | wrong answers | gateway CPU ms/req | peak RSS MB | directory SQL / req |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The verdict line: did collapsing help, and was every answer right? */
export function verdictLine(summaries: readonly ConsoleSummary[]): string {
  const ratio = collapsingRatio(summaries);
  const wrong = summaries.reduce((n, s) => n + s.wrongAnswers + s.warmupWrongAnswers, 0);
  const crossed = summaries.reduce((n, s) => n + s.crossScope, 0);
  const helped = Number.isFinite(ratio)
    ? ratio > 1
      ? `collapsing helped: ${fmt(ratio, 2)}× the RPS`
      : `collapsing did not help: ${fmt(ratio, 2)}× the RPS`
    : 'collapsing ratio not measured';
  const answers =
    wrong === 0
      ? 'no wrong answers (no scope crossed)'
      : `**${wrong} wrong answers${crossed ? `, ${crossed} of them another scope's answer` : ''}**`;
  return `**Collapsing ratio (RPS on / off): ${Number.isFinite(ratio) ? `${fmt(ratio, 2)}×` : '—'}** — ${helped}; ${answers}.`;
}

export interface ConsoleResult {
  options: ConsoleOptions;
  accounts: ConsoleAccount[];
  assignment: number[];
  references: Reference[];
  rounds: ConsoleRound[];
  summaries: ConsoleSummary[];
  /** The Markdown part of docs/benchmarks.md ("## Supervisor console under load"), without markers. */
  markdown: string;
  /** The figures' table alone (for stdout). */
  table: string;
}

export function consoleSection(r: Omit<ConsoleResult, 'markdown' | 'table'>): string {
  const { options: o, accounts, assignment, references, summaries } = r;
  const keys = accounts.map(scopeKeyOf);
  const perScope = connectionsPerScope(assignment, keys);
  const perIdentity = accounts.map((_, i) => assignment.filter((x) => x === i).length);
  const distinctAnswers = new Set(references.map((x) => x.body)).size;
  const bodyKb = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} kB`;
  const identityRows = accounts.map((a, i) => {
    const ref = references[i];
    const listed = ref ? ((JSON.parse(ref.body) as ListAnswer).data?.hospitals?.nodes?.length ?? 0) : 0;
    return `| \`${a.username}\` | ${a.roles.join(', ')} | ${a.regionCode ?? a.hospitalCode ?? '—'} | ${a.label} | ${perIdentity[i]} | ${perScope.get(keys[i]!)} | ${listed} | ${ref ? bodyKb(ref.body) : '—'} |`;
  });
  const bench = summaries.map((s) => `${s.mode} ${fmt(s.benchProcessCpuMsPerRequest, 2)}`).join(', ');
  return [
    '## Supervisor console under load',
    '',
    `The supervisor console's ranked list — \`hospitals(first: ${CONSOLE_PAGE})\` with its directory fields (code, name, level, grade, ownership, type, bed count, address, region, department and staff counts) — polled back-to-back by ${o.connections} consoles signed in as ${accounts.length} identities of ${perScope.size} distinct scopes (several regions and roles), through the hub gateway with in-flight collapsing of identical client operations off, then on. **There is no ranking field yet**: the integrity index comes with a later subgraph, so the list is ranked as the directory returns it (by code). Every identity sends the same document without a filter; the hub applies the caller's scope, so the same bytes ask for ${distinctAnswers} different answers — what collapsing may share within a scope and must never share across one.`,
    '',
    '**Method.**',
    "- Data: the city-scale seed (湖州 330500: 60 hospitals in 5 districts) on PostgreSQL; the directory and audit subgraphs of `npm run bench`'s stack (in the bench's process).",
    `- Gateway: its own process, \`node --max-semi-space-size=32 --import tsx gateway/src/index.ts\` (as \`npm run start:gateway\`), \`NODE_ENV=production LOG_LEVEL=warn RATE_LIMIT_PER_SECOND=0 COLLAPSE_OPERATIONS=off|on\`, everything else as in production: RS256 tokens of the stack's identity provider verified against its JWKS, one hash-chained audit entry per request (followers of a collapsed request too) written as \`audit_writer\`, the Ed25519-signed identity header on each subgraph fetch. Started fresh for each round, answered once, loaded ${o.warmupSeconds} s (warm-up, checked, not counted), then ${o.seconds} s (timed); ${o.rounds} rounds, alternating (off, on, on, off …).`,
    `- Load: autocannon 9, ${o.connections} connections, each one console polling as one identity (round-robin: ${Math.min(...perIdentity)}–${Math.max(...perIdentity)} connections per identity), each request sent as soon as the previous answer arrived (closed loop).`,
    "- Checking: before the timed runs, each identity's reference answer is fetched once, sequentially, with collapsing off, and checked against the database (every hospital listed is one the account may see, the total is the number it may see); accounts of the same scope must get the same bytes, accounts that may see different hospitals different bytes. Under load, each connection's every 2xx answer must be its own identity's reference, byte for byte (bodies decoded whole, not per socket read); anything else is a **wrong answer** (and a scope crossing if it is another scope's reference). **errors** = non-2xx + connection errors and timeouts (10 s) + wrong answers. **RPS** counts correct answers only.",
    "- p50 / p95 / p99: nearest-rank percentiles of every response time of the timed window; RPS and percentiles are medians over rounds. **Gateway CPU ms/req**: utime + stime of the gateway's process tree (/proc) over the timed windows, divided by their responses. **Peak RSS**: the tree's VmRSS sampled every 200 ms, start to stop, highest over rounds. **Directory SQL / req**: statements the directory subgraph ran in the timed windows per response.",
    '',
    '| identity | role | scope | who | connections | connections of its scope | hospitals listed | answer |',
    '|---|---|---|---|---|---|---|---|',
    ...identityRows,
    '',
    consoleTable(summaries),
    '',
    verdictLine(summaries),
    '',
    `CPU of the bench's own process (the subgraphs, their PostgreSQL clients and the load generator) per request: ${bench} ms.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run.

interface GatewayChild extends Child {
  url: string;
}

async function startGateway(stack: Stack, mode: Mode, privateKeyPem: string): Promise<GatewayChild> {
  const port = await freePort();
  const env = {
    ...baseEnv(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    SUPERGRAPH_PATH: 'schema/supergraph.graphql',
    ...Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, s.url])),
    KEYCLOAK_URL: stack.idp.serverUrl,
    KEYCLOAK_REALM: stack.idp.realm,
    KEYCLOAK_AUDIENCE: stack.idp.audience,
    AUDIT_WRITER_DATABASE_URL: auditWriterUrl(stack.database.adminUrl),
    HUB_IDENTITY_PRIVATE_KEY: privateKeyPem,
    RATE_LIMIT_PER_SECOND: '0',
    COLLAPSE_OPERATIONS: mode,
    SHUTDOWN_GRACE_MS: '2000',
  };
  const child = startChild('hub gateway', ['--max-semi-space-size=32', '--import', 'tsx', 'gateway/src/index.ts'], env);
  return { ...child, url: `http://127.0.0.1:${port}/graphql`, stop: () => child.stop(8_000) };
}

const requestBody = JSON.stringify({ query: CONSOLE_LIST_QUERY, operationName: 'SupervisorConsole' });
const headersOf = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

async function post(url: string, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: headersOf(token), body: requestBody, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

async function waitUntilAnswering(gw: GatewayChild, token: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    if (!gw.isRunning()) {
      const e = await gw.exited;
      throw new Error(`the gateway exited during start-up (code ${e.code}, signal ${e.signal}):\n${gw.output()}`);
    }
    try {
      const r = await post(gw.url, token);
      if (r.status === 200) return;
      last = `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
      if (r.status >= 400 && r.status < 500 && r.status !== 429) break;
    } catch (err) {
      last = String(err);
    }
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`the gateway did not answer the console's request with 200 (last: ${last}):\n${gw.output().slice(-4_000)}`);
}

interface LoadFigures {
  durationS: number;
  latencies: number[];
  non2xx: number;
  transportErrors: number;
  timeouts: number;
  checker: AnswerChecker;
}

/** Closed-loop load: connection i polls as identity assignment[i]; every answer checked against that identity's reference. */
function load(
  url: string,
  tokens: readonly string[],
  assignment: readonly number[],
  refs: readonly Reference[],
  seconds: number,
): Promise<LoadFigures> {
  const checker = new AnswerChecker(refs);
  const latencies: number[] = [];
  const identityOf = new WeakMap<object, number>();
  let next = 0;
  // autocannon emits the instance's 'response' (with the client) and then, synchronously for the
  // same reply, calls verifyBody: `current` is that reply's connection and status.
  let current: { identity: number; status: number } | undefined;
  return new Promise((ok, fail) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody,
        connections: assignment.length,
        duration: seconds,
        timeout: 10,
        setupClient: (client) => {
          const identity = assignment[next++ % assignment.length]!;
          identityOf.set(client, identity);
          decodeBodiesWhole((client as unknown as { pipelinedRequests: BodyQueue }).pipelinedRequests);
          client.setHeaders({ authorization: `Bearer ${tokens[identity]!}` }); // merged with the content-type above
        },
        verifyBody: (body) => {
          if (!current) throw new Error('autocannon called verifyBody without a response');
          return checker.check(current.identity, current.status, String(body)) !== 'wrong';
        },
      },
      (err, result) => {
        if (err) return fail(err instanceof Error ? err : new Error(String(err)));
        latencies.sort((a, b) => a - b);
        ok({
          durationS: result.duration,
          latencies,
          non2xx: result.non2xx,
          transportErrors: result.errors,
          timeouts: result.timeouts,
          checker,
        });
      },
    );
    (instance as unknown as NodeJS.EventEmitter).on('response', (client: object, statusCode: number, _bytes: number, ms: number) => {
      const identity = identityOf.get(client);
      if (identity === undefined) throw new Error('a response from a connection without an identity');
      current = { identity, status: statusCode };
      latencies.push(ms);
    });
  });
}

async function oneRound(
  stack: Stack,
  mode: Mode,
  round: number,
  ctx: {
    privateKeyPem: string;
    tokens: string[];
    assignment: number[];
    options: ConsoleOptions;
    references: (gatewayUrl: string) => Promise<Reference[]>;
  },
): Promise<ConsoleRound> {
  const gw = await startGateway(stack, mode, ctx.privateKeyPem);
  const rss = sampleRss(gw.pid);
  try {
    await waitUntilAnswering(gw, ctx.tokens[0]!);
    const refs = await ctx.references(gw.url); // fetched by the first (collapsing off) gateway, once
    let warmup = { responses: 0, errors: 0, wrongAnswers: 0 };
    if (ctx.options.warmupSeconds > 0) {
      const w = await load(gw.url, ctx.tokens, ctx.assignment, refs, ctx.options.warmupSeconds);
      warmup = { responses: w.latencies.length, errors: w.non2xx + w.transportErrors + w.checker.wrong, wrongAnswers: w.checker.wrong };
      if (w.checker.wrong) console.error(`  WARNING: ${w.checker.wrong} wrong answers in the warm-up: ${w.checker.sample}`);
      // autocannon stops by closing its sockets; let the gateway finish what it had before timing.
      await new Promise((ok) => setTimeout(ok, Math.min(5_000, Math.max(500, percentile(w.latencies, 99) || 0))));
    }
    const directory = stack.subgraphs.directory!;
    const sqlBefore = directory.db.stats.statements;
    const cpu = measureCpu(gw.pid);
    const own = process.cpuUsage();
    const r = await load(gw.url, ctx.tokens, ctx.assignment, refs, ctx.options.seconds);
    const cpuMs = cpu.stop();
    const ownUsage = process.cpuUsage(own);
    const sqlStatements = directory.db.stats.statements - sqlBefore;
    if (!gw.isRunning()) throw new Error(`the gateway died during the load:\n${gw.output()}`);
    const c = r.checker;
    return {
      mode,
      round,
      durationS: r.durationS,
      responses: r.latencies.length,
      correct: c.correct,
      ...windowFigures({ durationS: r.durationS, latencies: r.latencies, correct: c.correct }),
      non2xx: r.non2xx,
      transportErrors: r.transportErrors,
      timeouts: r.timeouts,
      wrongAnswers: c.wrong,
      crossScope: c.crossScope,
      cpuMs,
      peakRssMb: rss.peek().peakTotalMb,
      sqlStatements,
      benchProcessCpuMs: (ownUsage.user + ownUsage.system) / 1000,
      warmup,
      ...(c.sample ? { wrongSample: c.sample } : {}),
    };
  } finally {
    rss.stop();
    await gw.stop();
  }
}

const roundLine = (r: ConsoleRound) =>
  `${r.responses} responses in ${fmt(r.durationS, 1)} s: ${fmt(r.rps, 0)} correct/s, p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} ms, ` +
  `errors ${errorsOf(r)} (wrong ${r.wrongAnswers}, other scope's ${r.crossScope}), gateway CPU ${fmt(r.cpuMs / Math.max(1, r.responses), 2)} ms/req, ` +
  `peak RSS ${fmt(r.peakRssMb, 0)} MB, SQL ${fmt(r.sqlStatements / Math.max(1, r.responses), 2)}/req`;

/** Hospital codes an account may see, straight from the database (region subtree by path, or its hospital). */
async function visibleCodes(stack: Stack, a: ConsoleAccount): Promise<string[]> {
  const pool = stack.subgraphs.directory!.db.pool;
  const rows = a.hospitalCode
    ? await pool.query<{ code: string }>('SELECT code FROM directory.hospital WHERE code = $1', [a.hospitalCode])
    : await pool.query<{ code: string }>(
        `SELECT h.code FROM directory.hospital h JOIN directory.region r ON r.code = h.region_code
          WHERE '/' || r.path || '/' LIKE '%/' || $1 || '/%' ORDER BY h.code`,
        [a.regionCode],
      );
  return rows.rows.map((r) => r.code);
}

/**
 * Add the console's identities to the stack's identity provider, fetch and check their reference
 * answers, then run the rounds. Needs the stack's directory seeded (the city scale).
 */
export async function runConsoleLoad(stack: Stack, options: ConsoleOptions): Promise<ConsoleResult> {
  const pool = stack.subgraphs.directory!.db.pool;
  // Two hospitals of different districts.
  const hospitals = (
    await pool.query<{ code: string; region_code: string }>('SELECT code, region_code FROM directory.hospital ORDER BY code')
  ).rows;
  const a = hospitals[0];
  const b = hospitals.find((h) => h.region_code !== a?.region_code);
  if (!a || !b) throw new Error('the console load needs hospitals in two regions: seed the directory first');
  const accounts = consoleAccounts([a.code, b.code]);
  for (const acc of accounts)
    stack.idp.addAccount({
      username: acc.username,
      password: 'bench',
      roles: acc.roles,
      ...(acc.regionCode ? { regionCode: acc.regionCode } : {}),
      ...(acc.hospitalCode ? { hospitalCode: acc.hospitalCode } : {}),
    });
  const tokens = await Promise.all(accounts.map((acc) => stack.token(acc.username)));
  const assignment = assignIdentities(options.connections, accounts.length);
  const privateKeyPem = stack.identityKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const scopes = new Set(accounts.map(scopeKeyOf)).size;
  console.log(
    `supervisor console: ${accounts.length} identities, ${scopes} scopes, ${options.connections} connections; ${options.rounds} rounds of ${options.warmupSeconds} s warm-up + ${options.seconds} s, collapsing off/on alternating…`,
  );

  let references: Reference[] | undefined;
  const fetchReferences = async (url: string): Promise<Reference[]> => {
    const refs: Reference[] = [];
    for (const [i, acc] of accounts.entries()) {
      const r = await post(url, tokens[i]!);
      if (r.status !== 200) throw new Error(`reference answer of ${acc.username}: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
      const visible = await visibleCodes(stack, acc);
      const problems = checkReferenceBody(r.text, visible);
      if (problems.length) throw new Error(`reference answer of ${acc.username}: ${problems.join('; ')}`);
      refs.push({ username: acc.username, scopeKey: scopeKeyOf(acc), body: r.text, visibleCodes: visible });
    }
    const problems = checkReferences(refs);
    if (problems.length) throw new Error(`the console's reference answers do not tell the scopes apart:\n  ${problems.join('\n  ')}`);
    console.log(
      `  references: ${refs.length} identities, ${new Set(refs.map((r) => r.body)).size} distinct answers (${refs.map((r) => `${(JSON.parse(r.body) as ListAnswer).data?.hospitals?.nodes?.length}`).join('/')} hospitals)`,
    );
    return refs;
  };

  const rounds: ConsoleRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const mode of modeOrder(round)) {
      process.stdout.write(`  round ${round + 1}, collapsing ${mode}: `);
      const r = await oneRound(stack, mode, round, {
        privateKeyPem,
        tokens,
        assignment,
        options,
        references: async (gatewayUrl) => {
          if (references) return references;
          if (mode !== 'off') throw new Error('references must be fetched with collapsing off');
          return (references = await fetchReferences(gatewayUrl));
        },
      });
      console.log(roundLine(r));
      if (r.wrongSample) console.error(`  WARNING: first wrong answer: ${r.wrongSample}`);
      rounds.push(r);
    }
  }
  const summaries = (['off', 'on'] as const).map((m) => summariseMode(rounds, m));
  const base = { options, accounts, assignment, references: references!, rounds, summaries };
  const table = consoleTable(summaries);
  return { ...base, markdown: consoleSection(base), table: `${table}\n\n${verdictLine(summaries)}` };
}
