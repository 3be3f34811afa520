import { parseArgs } from 'node:util';
import type { FeedFormat, RunSummary } from '#platform/feed/types.js';

/** What `npm run feed -- …` was asked to do (scripts/feed.ts). */
export type FeedCommand =
  | { command: 'run'; subgraph: string; kind: string; path: string; format: FeedFormat | null }
  | { command: 'runs'; subgraph: string | null }
  | { command: 'rejects'; runId: string }
  | { command: 'replay'; runId: string };

export interface FeedCliOptions {
  json: boolean;
  region: string;
  /** A JSON file of run settings (e.g. currency rates), or null. */
  settings: string | null;
}

export const FEED_USAGE = `usage:
  npm run feed -- <subgraph> <kind> <file|dir|-> [--format ndjson|json|csv]   load a file, every file of a directory (sorted), or stdin
  npm run feed -- runs [<subgraph>]                                          the latest runs
  npm run feed -- rejects <runId>                                            a run's rejected records
  npm run feed -- replay <runId>                                             run a run's unresolved rejects again
options: --json (machine output), --region <code> (the caller's region; HUB_FEED_REGION, default 330000), --settings <file.json>
exit code: 0 succeeded, 1 failed, 2 usage, 3 partial (some records rejected)`;

export class UsageError extends Error {}

const FORMATS: readonly string[] = ['ndjson', 'json', 'csv'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The command line, checked: a usage error says what is wrong. */
export function parseFeedArgs(argv: string[], env: { HUB_FEED_REGION?: string } = {}): FeedCommand & { options: FeedCliOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      format: { type: 'string' },
      region: { type: 'string' },
      settings: { type: 'string' },
    },
  });
  const region = values.region ?? env.HUB_FEED_REGION ?? '330000';
  if (!/^\d{6}$/.test(region)) throw new UsageError(`--region must be a 6-digit GB/T 2260 code, not ${JSON.stringify(region)}`);
  if (values.format !== undefined && !FORMATS.includes(values.format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(values.format)}`);
  const options: FeedCliOptions = { json: values.json, region, settings: values.settings ?? null };
  const [first, ...rest] = positionals;
  const runId = () => {
    if (rest.length !== 1 || !UUID.test(rest[0]!)) throw new UsageError(`${first} takes one run id (a UUID)`);
    return rest[0]!;
  };
  if (first === 'runs') {
    if (rest.length > 1) throw new UsageError('runs takes at most one subgraph');
    return { command: 'runs', subgraph: rest[0] ?? null, options };
  }
  if (first === 'rejects' || first === 'replay') return { command: first, runId: runId(), options };
  if (positionals.length !== 3) throw new UsageError(FEED_USAGE);
  const [subgraph, kind, path] = positionals as [string, string, string];
  return { command: 'run', subgraph, kind, path, format: (values.format as FeedFormat | undefined) ?? null, options };
}

/** `procurement/ocds data.ndjson: read 12, new 10, updated 1, unchanged 0, rejected 1 (run <id>) — 0.4 s`, and the error of a failed run. */
export function formatSummary(run: RunSummary): string {
  const seconds = ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
  const counts = `read ${run.read}, new ${run.inserted}, updated ${run.updated}, unchanged ${run.unchanged}, rejected ${run.rejected}`;
  const replay = run.replayOf ? `, replay of ${run.replayOf}` : '';
  const line = `${run.subgraph}/${run.kind} ${run.source}: ${counts} (run ${run.runId}${replay}) — ${seconds} s`;
  return run.status === 'FAILED' && run.error ? `${line}\n  FAILED ${run.error.code}: ${run.error.message}` : line;
}

/** 0 SUCCEEDED, 1 FAILED, 3 PARTIAL; for several runs, the worst. */
export function exitCodeOf(runs: Pick<RunSummary, 'status'>[]): number {
  if (runs.some((r) => r.status === 'FAILED' || r.status === 'RUNNING')) return 1;
  if (runs.some((r) => r.status === 'PARTIAL')) return 3;
  return 0;
}
