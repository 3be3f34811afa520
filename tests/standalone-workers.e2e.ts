import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '#common/logger.js';
import { BENCH_QUERY, benchSupergraph, startBenchSubgraphs, type RunningBenchSubgraphs } from '../bench/federation/subgraphs.js';
import { expectedBenchBody } from '../bench/federation/expected.js';

/**
 * The stand-alone gateway (gateway/src/index.ts) serving a supergraph that is not the hub's — the
 * public gateway benchmark's, from a path — with two cluster workers, authentication off by explicit
 * setting (development), collapsing and fetch dedup on: every answer byte-for-byte the verified one,
 * identical queries collapsed across the workers, both workers alive, and a clean stop on SIGTERM.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
let subgraphs: RunningBenchSubgraphs;
let gateway: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  const keys = generateKeyPairSync('ed25519');
  subgraphs = await startBenchSubgraphs({ log: createLogger({ level: 'silent' }), identityKey: keys.publicKey });
  const dir = mkdtempSync(join(tmpdir(), 'ih-any-supergraph-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, benchSupergraph(subgraphs.urls));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  url = `http://127.0.0.1:${port}/graphql`;
  gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: String(port),
      SUPERGRAPH_PATH: supergraphPath,
      AUTH_MODE: 'off',
      RATE_LIMIT_PER_SECOND: '0',
      MAX_COST: '1000000',
      GATEWAY_WORKERS: '2',
      HUB_IDENTITY_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  gateway.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  gateway.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((output.match(/gateway listening/g) ?? []).length >= 2) break;
    if (gateway.exitCode !== null || Date.now() > deadline) throw new Error(`gateway did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(async () => {
  if (gateway && gateway.exitCode === null) gateway.kill('SIGKILL');
  await subgraphs?.close();
});

const post = () =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: BENCH_QUERY, operationName: 'TestQuery' }) }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));

describe('stand-alone gateway, any supergraph, cluster workers', () => {
  it('answers the benchmark query exactly as verified, under concurrency', async () => {
    const expected = expectedBenchBody();
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 30 }, post));
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body).toBe(expected);
      }
    }
  });

  it('collapses identical queries across the workers: a request in one worker gets the answer another worker ran', async () => {
    const expected = expectedBenchBody();
    for (let burst = 0; burst < 5; burst++) {
      const answers = await Promise.all(Array.from({ length: 30 }, post));
      for (const a of answers) expect(a.body).toBe(expected);
    }
    await new Promise((r) => setTimeout(r, 300)); // the last audit lines
    // Without an audit database the entries go to the log, one JSON line each, with the worker that wrote it.
    const entries = output
      .split('\n')
      .filter((l) => l.includes('"msg":"audit"'))
      .map((l) => JSON.parse(l) as { worker: number; requestId: string; detail?: { sharedWith?: string } | null });
    const workerOf = new Map(entries.map((e) => [e.requestId, e.worker]));
    const followers = entries.filter((e) => e.detail?.sharedWith);
    expect(followers.length).toBeGreaterThan(0);
    const across = followers.filter((e) => workerOf.has(e.detail!.sharedWith!) && workerOf.get(e.detail!.sharedWith!) !== e.worker);
    expect(across.length).toBeGreaterThan(0);
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
