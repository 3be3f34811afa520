import { describe, expect, it } from 'vitest';
import {
  checkGoal,
  errorsOf,
  goalLine,
  median,
  parseEnvList,
  parseRaceOptions,
  percentile,
  raceTable,
  roundOrder,
  rpsRatio,
  summarise,
  type GatewayId,
  type GatewaySummary,
  type RoundResult,
} from './race.js';

const round = (gateway: GatewayId, r: number, over: Partial<RoundResult> = {}): RoundResult => ({
  gateway,
  collapse: 'off',
  round: r,
  durationS: 30,
  responses: 3000,
  correct: 3000,
  rps: 100,
  p50: 10,
  p95: 20,
  p99: 30,
  non2xx: 0,
  transportErrors: 0,
  timeouts: 0,
  wrongAnswers: 0,
  reformatted: 0,
  cpuMs: 15_000,
  peakRssTotalMb: 250,
  peakRssProcessMb: 250,
  processes: 1,
  nodeProcesses: 1,
  subgraphCpuMs: 3_000,
  loadgenCpuMs: 1_000,
  statusCodes: { 200: 3000 },
  ...over,
});

const summary = (gateway: GatewayId, over: Partial<GatewaySummary> = {}): GatewaySummary => ({
  ...summarise(gateway, [round(gateway, 0), round(gateway, 1)]),
  ...over,
});

describe('race options', () => {
  it('defaults to the issue: the three gateways (the hub in two shapes), both runs, 30 s, 10 s warm-up, 2 rounds, 50 connections', () => {
    expect(parseRaceOptions({})).toEqual({
      gateways: ['hub', 'hub2', 'apollo', 'hive'],
      collapse: ['off', 'on'],
      seconds: 30,
      warmupSeconds: 10,
      rounds: 2,
      connections: 50,
      writeDocs: true,
      cpuProf: false,
      hubEnv: {},
    });
  });

  it('reads subsets (in canonical order), short runs, at least two rounds, and the hub env', () => {
    const o = parseRaceOptions({
      BENCH_GATEWAYS: 'hive, hub',
      BENCH_COLLAPSE: 'on',
      BENCH_SECONDS: '3',
      BENCH_WARMUP_SECONDS: '0',
      BENCH_ROUNDS: '1',
      BENCH_WRITE_DOCS: '0',
      BENCH_CPU_PROF: '1',
      BENCH_HUB_ENV: 'GATEWAY_WORKERS=2, X=a=b',
    });
    expect(o).toMatchObject({
      gateways: ['hub', 'hive'],
      collapse: ['on'],
      seconds: 3,
      warmupSeconds: 0,
      rounds: 2,
      writeDocs: false,
      cpuProf: true,
      hubEnv: { GATEWAY_WORKERS: '2', X: 'a=b' },
    });
    expect(parseRaceOptions({ BENCH_ROUNDS: '3' }).rounds).toBe(3);
  });

  it('refuses unknown gateways, modes, bad numbers and malformed env pairs', () => {
    expect(() => parseRaceOptions({ BENCH_GATEWAYS: 'hub,mesh' })).toThrow(/mesh/);
    expect(() => parseRaceOptions({ BENCH_COLLAPSE: 'maybe' })).toThrow(/maybe/);
    expect(() => parseRaceOptions({ BENCH_SECONDS: '0' })).toThrow(/BENCH_SECONDS/);
    expect(() => parseRaceOptions({ BENCH_SECONDS: 'abc' })).toThrow(/BENCH_SECONDS/);
    expect(() => parseEnvList('NOVALUE')).toThrow(/K=V/);
    expect(parseEnvList(undefined)).toEqual({});
  });

  it('alternates the order: ABC, CBA, ABC', () => {
    expect([0, 1, 2].map((r) => roundOrder(['a', 'b', 'c'], r).join(''))).toEqual(['abc', 'cba', 'abc']);
  });
});

describe('statistics', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 40, 20, 30])).toBe(25);
    expect(median([])).toBeNaN();
  });

  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1); // 1 … 100
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile([5, 7], 95)).toBe(7);
    expect(percentile([4], 50)).toBe(4);
  });

  it('a wrong answer is an error, as are non-2xx and transport errors', () => {
    expect(errorsOf({ non2xx: 2, transportErrors: 3, wrongAnswers: 5 })).toBe(10);
  });

  it('summarises rounds: medians of RPS and percentiles, sums of errors, CPU per request over all rounds, highest RSS', () => {
    const s = summarise('hub', [
      round('hub', 0, {
        rps: 100,
        p95: 20,
        cpuMs: 30_000,
        responses: 3000,
        wrongAnswers: 1,
        non2xx: 2,
        peakRssProcessMb: 240,
        nodeProcesses: 3,
      }),
      round('hub', 1, { rps: 140, p95: 40, cpuMs: 10_000, responses: 1000, peakRssProcessMb: 280 }),
      round('hive', 0, { rps: 999 }),
    ]);
    expect(s).toMatchObject({
      rounds: 2,
      rps: 120,
      p95: 30,
      errors: 3,
      wrongAnswers: 1,
      cpuMsPerRequest: 10,
      peakRssProcessMb: 280,
      nodeProcesses: 3,
    });
  });
});

describe('ratios and the goal', () => {
  it('RPS ratios', () => {
    expect(rpsRatio(summary('hub', { rps: 300 }), summary('apollo', { rps: 100 }))).toBe(3);
    expect(rpsRatio(summary('hub'), undefined)).toBeNaN();
    expect(rpsRatio(summary('hub'), summary('hive', { rps: 0 }))).toBeNaN();
  });

  it('met only when the hub is at least as fast as Hive, no slower at p95, never wrong and within 300 MB per worker', () => {
    const hive = summary('hive', { rps: 200, p95: 100 });
    expect(checkGoal([summary('hub', { rps: 200, p95: 100 }), hive]).met).toBe(true);
    expect(checkGoal([summary('hub', { rps: 199, p95: 90 }), hive]).met).toBe(false);
    expect(checkGoal([summary('hub', { rps: 300, p95: 101 }), hive]).met).toBe(false);
    expect(checkGoal([summary('hub', { rps: 300, p95: 50, wrongAnswers: 1 }), hive]).met).toBe(false);
    expect(checkGoal([summary('hub', { rps: 300, p95: 50, peakRssProcessMb: 301 }), hive]).met).toBe(false);
    expect(checkGoal([summary('hub', { rps: 300, p95: 50, peakRssTotalMb: 900, peakRssProcessMb: 290, nodeProcesses: 3 }), hive]).met).toBe(
      true,
    );
    const failed = checkGoal([summary('hub', { rps: 100, p95: 50 }), hive]);
    expect(failed.clauses[0]).toMatch(/^✗ RPS 100 ≥ Hive's 200 \(0\.50×\)/);
    expect(failed.clauses[1]).toMatch(/^✓ p95/);
  });

  it('undecided without the hub or Hive', () => {
    expect(checkGoal([summary('hub'), summary('apollo')])).toEqual({ met: false, clauses: [expect.stringMatching(/not decided/)] });
  });

  it('the table: one row per gateway in canonical order with ratios to (2) and (3)', () => {
    const rows = raceTable([
      summary('hive', { rps: 250 }),
      summary('hub', { rps: 500, nodeProcesses: 3, peakRssTotalMb: 700, peakRssProcessMb: 240 }),
      summary('apollo', { rps: 50 }),
    ]).split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[2]).toMatch(/^\| \(1\) hub gateway, 1 process \| 500 \| 10\.00× \| 2\.00× \|/);
    expect(rows[2]).toMatch(/\| 700 \/ 240 \(3 Node processes\) \|$/);
    expect(rows[3]).toMatch(/^\| \(2\) @apollo\/gateway, defaults \| 50 \| 1\.00× \| 0\.20× \|/);
    expect(rows[4]).toMatch(/^\| \(3\) Hive Gateway \+ router-runtime \| 250 \| 5\.00× \| 1\.00× \|/);
    // No Apollo in the run: its ratio column is a dash.
    expect(raceTable([summary('hub')]).split('\n')[2]).toMatch(/\| — \| — \|/);
    expect(goalLine('on', [summary('hub', { rps: 10 }), summary('hive', { rps: 20 })])).toMatch(
      /^\*\*Goal, collapsing on, \(1\) hub gateway, 1 process: not met\*\*/,
    );
    // One line per hub contestant, each judged on its own.
    const both = goalLine('off', [summary('hub', { rps: 10 }), summary('hub2', { rps: 30 }), summary('hive', { rps: 20 })]).split('\n\n');
    expect(both).toHaveLength(2);
    expect(both[0]).toMatch(/1 process: not met/);
    expect(both[1]).toMatch(/^\*\*Goal, collapsing off, \(1b\) hub gateway, 2 workers: met\*\*/);
  });
});
