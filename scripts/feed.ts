/**
 * `npm run feed -- <subgraph> <kind> <file|dir|->` and `runs`, `rejects <runId>`, `replay <runId>`
 * (FEED_USAGE in scripts/lib/feed-cli.ts): the hub's feeds from the command line, run in process
 * through runFeed like the gateway's POST /feeds/<subgraph>/<kind>. The hub is booted as by
 * `npm run seed` (no demo data, every port free), so peer look-ups go to the running subgraphs under
 * the caller's signed identity: a machine caller `cli:<os user>` in --region. Exit code 0 succeeded,
 * 1 failed, 2 usage, 3 partial.
 */
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import cliProgress from 'cli-progress';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '#common/config.js';
import { feedHttpStatus } from '#platform/feed/http.js';
import { feedAuditEntry } from '../gateway/src/feed-audit.js';
import type { Identity } from '#common/identity.js';
import { createLogger } from '#common/logger.js';
import { createPeerLookup } from '#platform/feed/peers.js';
import { formatOfFile } from '#platform/feed/readers/index.js';
import { replayRun } from '#platform/feed/replay.js';
import { runFeed, type FeedTarget } from '#platform/feed/run.js';
import { getRun, listRejects, listRuns } from '#platform/feed/store.js';
import type { FeedFormat, RunSummary } from '#platform/feed/types.js';
import { registry, subgraphNamed, subgraphPortEnv } from '../subgraphs/registry.js';
import { exitCodeOf, formatSummary, parseFeedArgs, UsageError, type FeedCommand, type FeedCliOptions } from './lib/feed-cli.js';
import { ensureGenerated } from './lib/generation.js';
import { loadHubConfig, startHub, type RunningHub } from './lib/hub.js';

let command: FeedCommand & { options: FeedCliOptions };
try {
  command = parseFeedArgs(process.argv.slice(2), process.env);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
}
const { options } = command;
const log = createLogger({ level: 'warn' });
const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

try {
  await ensureGenerated(registry);
  const hub = await startHub(
    loadHubConfig({ ...process.env, HUB_SEED: 'never', PORT: '0', DEV_IDP_PORT: '0', ...subgraphPortEnv('0') }),
    log,
  );
  try {
    process.exitCode = await execute(hub);
  } finally {
    await hub.stop();
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof UsageError ? err.message : err);
  process.exitCode = err instanceof UsageError ? 2 : 1;
}

async function execute(hub: RunningHub): Promise<number> {
  switch (command.command) {
    case 'run':
      return load(hub, command);
    case 'runs':
      return showRuns(hub, command.subgraph);
    case 'rejects':
      return showRejects(hub, command.runId);
    case 'replay':
      return replay(hub, command.runId);
  }
}

/** The running subgraph of that name, with a store: it must declare feeds. */
function feedSubgraph(hub: RunningHub, name: string) {
  const def = subgraphNamed(name);
  if (def.feeds.length === 0) throw new UsageError(`subgraph ${name} has no feeds`);
  return { def, sub: hub.subgraphs.find((s) => s.name === name)! };
}

function target(hub: RunningHub, subgraph: string, kindName: string): FeedTarget & { identity: Identity } {
  const { def, sub } = feedSubgraph(hub, subgraph);
  const kind = def.feeds.find((k) => k.kind === kindName);
  if (!kind) throw new UsageError(`subgraph ${subgraph} has no feed ${kindName} (it has ${def.feeds.map((k) => k.kind).join(', ')})`);
  const user = userInfo().username;
  const identity: Identity = Object.freeze({
    subject: `cli:${user}`,
    clientId: `cli:${user}`,
    kind: 'machine',
    roles: Object.freeze(['machine-client'] as const),
    regionCode: options.region,
    hospitalCode: null,
  });
  const urls = new Map(hub.subgraphs.map((s) => [s.name, s.url]));
  return {
    subgraph,
    kind,
    pool: sub.db.pool,
    schema: sub.db.schema,
    method: hub.embedded ? 'insert' : 'copy',
    client: identity.clientId!,
    identity,
    peers: createPeerLookup({ urls, identityFor: { signer: hub.signer, identity } }),
    settings: options.settings ? (JSON.parse(readFileSync(options.settings, 'utf8')) as Record<string, unknown>) : {},
  };
}

/** One audit entry per run, as the gateway writes for `POST /feeds` (gateway/src/feed-audit.ts). */
function audit(hub: RunningHub, t: FeedTarget & { identity: Identity }, started: number, run: RunSummary): void {
  const attempt = { requestId: randomUUID(), started, ip: null, identity: t.identity, feed: { subgraph: t.subgraph, kind: t.kind.kind } };
  hub.audit.append(feedAuditEntry(attempt, { status: feedHttpStatus(run), answer: run }));
}

/** `-`, a file, or every regular file of a directory in name order: one run each. */
function sources(path: string): { name: string; path: string | null; size: number }[] {
  if (path === '-') return [{ name: 'stdin', path: null, size: 0 }];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [{ name: basename(path), path, size: stat.size }];
  return readdirSync(path)
    .sort()
    .map((name) => ({ name, path: join(path, name), stat: statSync(join(path, name)) }))
    .filter((f) => f.stat.isFile())
    .map((f) => ({ name: f.name, path: f.path, size: f.stat.size }));
}

async function load(hub: RunningHub, cmd: Extract<FeedCommand, { command: 'run' }>): Promise<number> {
  const feedTarget = target(hub, cmd.subgraph, cmd.kind);
  const runs: RunSummary[] = [];
  for (const file of sources(cmd.path)) {
    const format: FeedFormat | null = cmd.format ?? formatOfFile(file.name);
    if (!format) throw new UsageError(`${file.name}: cannot tell its format from the extension; give --format`);
    const bar = !options.json && process.stderr.isTTY && file.size > 0 ? new cliProgress.SingleBar({ stream: process.stderr }) : null;
    bar?.start(file.size, 0);
    const started = performance.now();
    const run = await runFeed({
      ...feedTarget,
      source: { name: file.name, stream: file.path ? createReadStream(file.path) : process.stdin, format },
      onProgress: (p) => bar?.update(p.bytes),
    });
    bar?.stop();
    audit(hub, feedTarget, started, run);
    runs.push(run);
    if (!options.json) console.log(formatSummary(run));
  }
  if (options.json) print(runs.length === 1 ? runs[0] : runs);
  return exitCodeOf(runs);
}

async function showRuns(hub: RunningHub, only: string | null): Promise<number> {
  const names = only ? [only] : registry.filter((s) => s.feeds.length > 0).map((s) => s.name);
  const runs: RunSummary[] = [];
  for (const name of names) {
    const { sub } = feedSubgraph(hub, name);
    runs.push(...(await listRuns(sub.db.pool, sub.db.schema, { first: 50 })).runs);
  }
  runs.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  if (options.json) print(runs);
  else for (const run of runs) console.log(`${run.startedAt.toISOString()} ${run.status.padEnd(9)} ${formatSummary(run)}`);
  return 0;
}

/** The subgraph whose feed_run holds this run. */
async function findRun(hub: RunningHub, runId: string) {
  for (const def of registry.filter((s) => s.feeds.length > 0)) {
    const { sub } = feedSubgraph(hub, def.name);
    const run = await getRun(sub.db.pool, sub.db.schema, runId);
    if (run) return { run, sub };
  }
  throw new UsageError(`no feed run ${runId} in any subgraph`);
}

async function showRejects(hub: RunningHub, runId: string): Promise<number> {
  const { sub } = await findRun(hub, runId);
  const all = [];
  let after: string | null = null;
  do {
    const page = await listRejects(sub.db.pool, sub.db.schema, runId, { first: 500, after });
    all.push(...page.rejects);
    after = page.hasNextPage ? page.endCursor : null;
  } while (after);
  if (options.json) print(all);
  else for (const r of all) console.log(`${r.source}:${r.line} #${r.recordNo} ${r.code}${r.field ? ` (${r.field})` : ''}: ${r.message}`);
  return 0;
}

async function replay(hub: RunningHub, runId: string): Promise<number> {
  const { run } = await findRun(hub, runId);
  const feedTarget = target(hub, run.subgraph, run.kind);
  const started = performance.now();
  const summary = await replayRun({ ...feedTarget, runId });
  audit(hub, feedTarget, started, summary);
  console.log(options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  return exitCodeOf([summary]);
}
