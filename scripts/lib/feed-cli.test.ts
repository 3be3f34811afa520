import { describe, expect, it } from 'vitest';
import type { RunSummary } from '#platform/feed/types.js';
import { exitCodeOf, formatSummary, parseFeedArgs, UsageError } from './feed-cli.js';

const RUN_ID = '0b5c3a52-3f1e-4a57-9d0c-6a1f2b3c4d5e';

describe('npm run feed arguments', () => {
  it('reads a load, with the format, the region and --json', () => {
    expect(parseFeedArgs(['procurement', 'ocds', 'data/x.ndjson'])).toEqual({
      command: 'run',
      subgraph: 'procurement',
      kind: 'ocds',
      path: 'data/x.ndjson',
      format: null,
      options: { json: false, region: '330000', settings: null },
    });
    expect(parseFeedArgs(['procurement', 'orders', '-', '--format', 'csv', '--json', '--region', '330100'])).toMatchObject({
      path: '-',
      format: 'csv',
      options: { json: true, region: '330100' },
    });
    expect(parseFeedArgs(['p', 'k', 'f'], { HUB_FEED_REGION: '110000' }).options.region).toBe('110000');
  });

  it('reads runs, rejects and replay', () => {
    expect(parseFeedArgs(['runs'])).toMatchObject({ command: 'runs', subgraph: null });
    expect(parseFeedArgs(['runs', 'procurement', '--json'])).toMatchObject({
      command: 'runs',
      subgraph: 'procurement',
      options: { json: true },
    });
    expect(parseFeedArgs(['rejects', RUN_ID])).toMatchObject({ command: 'rejects', runId: RUN_ID });
    expect(parseFeedArgs(['replay', RUN_ID])).toMatchObject({ command: 'replay', runId: RUN_ID });
  });

  it('refuses what it cannot do, saying why', () => {
    expect(() => parseFeedArgs(['procurement', 'ocds'])).toThrow(UsageError);
    expect(() => parseFeedArgs(['replay', 'not-a-uuid'])).toThrow(/run id/);
    expect(() => parseFeedArgs(['p', 'k', 'f', '--format', 'xml'])).toThrow(/--format must be one of ndjson, json, csv/);
    expect(() => parseFeedArgs(['p', 'k', 'f', '--region', '33'])).toThrow(/--region/);
    expect(() => parseFeedArgs(['p', 'k', 'f', '--bogus'])).toThrow(/bogus/);
  });
});

describe('the summary and exit code', () => {
  const run: RunSummary = {
    runId: RUN_ID,
    subgraph: 'procurement',
    kind: 'ocds',
    source: 'data.ndjson',
    client: 'cli:dev',
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    finishedAt: new Date('2026-01-01T00:00:00.400Z'),
    status: 'PARTIAL',
    read: 12,
    inserted: 10,
    updated: 1,
    unchanged: 0,
    rejected: 1,
    replayOf: null,
    error: null,
  };

  it('prints one line, and the error of a failed run', () => {
    expect(formatSummary(run)).toBe(
      `procurement/ocds data.ndjson: read 12, new 10, updated 1, unchanged 0, rejected 1 (run ${RUN_ID}) — 0.4 s`,
    );
    const failed = { ...run, status: 'FAILED' as const, error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } };
    expect(formatSummary(failed).split('\n')[1]).toBe('  FAILED PAYLOAD_TOO_LARGE: too big');
  });

  it('exits 0 when every run succeeded, 3 when one was partial, 1 when one failed', () => {
    expect(exitCodeOf([{ status: 'SUCCEEDED' }])).toBe(0);
    expect(exitCodeOf([{ status: 'SUCCEEDED' }, { status: 'PARTIAL' }])).toBe(3);
    expect(exitCodeOf([{ status: 'PARTIAL' }, { status: 'FAILED' }])).toBe(1);
    expect(exitCodeOf([])).toBe(0);
  });
});
