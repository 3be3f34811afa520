import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { createLogger } from '#common/logger.js';
import { BENCH_QUERY, benchSupergraph, startBenchSubgraphs, type RunningBenchSubgraphs } from '../bench/federation/subgraphs.js';
import { expectedBenchBody } from '../bench/federation/expected.js';
import { until } from './helpers/gate.js';
import { startHeldProxy, type HeldProxy } from './helpers/held-proxy.js';

/**
 * The stand-alone gateway (gateway/src/index.ts) serving a supergraph that is not the hub's — the
 * public gateway benchmark's, from a path — with two cluster workers, authentication off by explicit
 * setting (development), collapsing and fetch dedup on: every answer byte-for-byte the verified one,
 * identical queries collapsed across the workers, both workers alive, and a clean stop on SIGTERM.
 *
 * PORT=0: the workers share the port the supervisor's listening handle got (node:cluster hands every
 * worker the same one for listen(0)); each logs it as it starts listening. The accounts subgraph is
 * reached through a held proxy, so the collapsing case holds the leading execution there until every
 * follower has joined it, one of them from the other worker (at debug level the workers log each
 * join, the supervisor each wait for another worker).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
let subgraphs: RunningBenchSubgraphs;
let accounts: HeldProxy;
let gateway: ChildProcess;
let url: string;
let output = '';

type LogLine = { msg?: string; url?: string; worker?: number; requestId?: string; detail?: { sharedWith?: string } | null };
/** The gateway's log, parsed line by line as complete lines arrive (anything not JSON, e.g. a stack trace, is skipped). */
const lines: LogLine[] = [];
let partial = '';
const collect = (chunk: string) => {
  output += chunk;
  const parts = (partial + chunk).split('\n');
  partial = parts.pop()!;
  for (const line of parts) {
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      /* not a log line */
    }
  }
};
const logLines = (from = 0): LogLine[] => lines.slice(from);

beforeAll(async () => {
  const keys = generateKeyPairSync('ed25519');
  subgraphs = await startBenchSubgraphs({ log: createLogger({ level: 'silent' }), identityKey: keys.publicKey });
  accounts = await startHeldProxy(subgraphs.urls.accounts);
  const dir = mkdtempSync(join(tmpdir(), 'ih-any-supergraph-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, benchSupergraph({ ...subgraphs.urls, accounts: accounts.url }));
  gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      PORT: '0',
      SUPERGRAPH_PATH: supergraphPath,
      AUTH_MODE: 'off',
      RATE_LIMIT_PER_SECOND: '0',
      MAX_COST: '1000000',
      GATEWAY_WORKERS: '2',
      HUB_IDENTITY_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  gateway.stdout!.setEncoding('utf8').on('data', collect);
  gateway.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const listening = () => logLines().filter((l) => l.msg === 'gateway listening');
  await until(() => listening().length >= 2 || gateway.exitCode !== null, 60_000, 'two workers listening').catch((err: Error) => {
    throw new Error(`${err.message}:\n${output}`);
  });
  if (gateway.exitCode !== null) throw new Error(`gateway did not start:\n${output}`);
  const urls = new Set(listening().map((l) => l.url));
  expect(urls.size).toBe(1); // one port for both workers
  url = [...urls][0]!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/graphql$/);
});
afterAll(async () => {
  if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
  await accounts?.close();
  await subgraphs?.close();
});

const post = (dispatcher?: Agent, requestId?: string) =>
  request(url, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify({ query: BENCH_QUERY, operationName: 'TestQuery' }),
  }).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));

describe('stand-alone gateway, any supergraph, cluster workers', () => {
  it('answers the benchmark query exactly as verified, under concurrency', async () => {
    const expected = expectedBenchBody();
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 30 }, () => post()));
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body).toBe(expected);
      }
    }
  });

  it('collapses identical queries across the workers: a request in one worker gets the answer another worker ran', async () => {
    const FOLLOWERS = 20;
    const expected = expectedBenchBody();
    const from = lines.length;
    // Fresh connections: the supervisor hands them to the workers in turn, so both get some.
    const agent = new Agent({ connections: 64 });
    const gate = accounts.hold();
    const requests: Promise<{ status: number; body: string }>[] = [];
    try {
      requests.push(post(agent, 'leader'));
      await until(() => accounts.arrived() >= 1, 30_000, 'the leading request to reach the accounts subgraph');
      requests.push(...Array.from({ length: FOLLOWERS }, (_, i) => post(agent, `follower-${i}`)));
      // Each follower either joins an execution in its own worker (that worker logs its id) or is the
      // first of its worker to ask the supervisor, which makes it wait for the leader's worker.
      const joined = () => logLines(from).filter((l) => l.msg === 'collapse: joined an execution in flight').length;
      const waiting = () => logLines(from).filter((l) => l.msg === "collapse: waiting for another worker's answer").length;
      await until(
        () => waiting() >= 1 && joined() + waiting() >= FOLLOWERS,
        30_000,
        'every follower to join, one of them from the other worker',
      );
      expect(joined() + waiting()).toBe(FOLLOWERS);
    } finally {
      gate.open();
    }
    const answers = await Promise.all(requests);
    await agent.close();
    for (const a of answers) expect(a.body).toBe(expected);

    // Without an audit database the entries go to the log, one JSON line each, with the worker that wrote it.
    const ids = new Set(['leader', ...Array.from({ length: FOLLOWERS }, (_, i) => `follower-${i}`)]);
    const entries = () => logLines(from).filter((l) => l.msg === 'audit' && ids.has(l.requestId ?? ''));
    await until(() => entries().length >= ids.size, 30_000, 'an audit line for every request');
    const leader = entries().find((e) => e.requestId === 'leader')!;
    expect(leader.detail?.sharedWith).toBeUndefined();
    const across = entries().filter((e) => e.detail?.sharedWith === 'leader' && e.worker !== leader.worker);
    expect(across.length).toBeGreaterThan(0);
    // Every follower got the leader's answer: nothing else ran the query.
    expect(entries().filter((e) => e.detail?.sharedWith === 'leader')).toHaveLength(FOLLOWERS);
  });

  it('runs two workers under one supervisor, and stops them all on SIGTERM', async () => {
    const workers = new Set([...output.matchAll(/"worker":(\d+)/g)].map((m) => m[1]));
    expect(workers.size).toBe(2);
    const children = readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    expect(children).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    gateway.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of children) expect(() => process.kill(Number(pid), 0)).toThrow();
  });
});
