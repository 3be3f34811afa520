import { FeedFailure } from './failure.js';
import { csvRecord, CsvRows } from './readers/index.js';
import { clip, reason, unreadable } from './readers/text.js';
import { executeRun, type FeedProgress, type FeedTarget } from './run.js';
import { createRun, finishRun, getRun, resolveRejects, unresolvedRejects, type RejectRecord, type StoredRun } from './store.js';
import type { RunSummary, SourceRecord, UnreadableRecord } from './types.js';

/**
 * Run the unresolved rejects of run `runId` through its kind again, as a new run (replay_of = runId):
 * each from its raw text, with its record number and line. The fix is outside the record — the
 * missing hospital was added to the directory, a currency rate configured — so a record that now
 * loads has its reject marked resolved_by_run = the new run, in the transaction that loads it.
 */
export async function replayRun(opts: FeedTarget & { runId: string }): Promise<RunSummary> {
  const original = await getRun(opts.pool, opts.schema, opts.runId);
  if (!original) throw new FeedFailure('NOT_FOUND', `no feed run ${opts.runId} in ${opts.schema}`, 'runId');
  if (original.kind !== opts.kind.kind)
    throw new FeedFailure('KIND_MISMATCH', `run ${opts.runId} is a ${original.kind} run, not ${opts.kind.kind}`, 'kind');
  const run = await createRun(opts.pool, opts.schema, {
    subgraph: opts.subgraph,
    kind: original.kind,
    source: original.source,
    format: original.format,
    client: opts.client,
    replayOf: original.runId,
  });
  const progress: FeedProgress = { bytes: 0, records: 0 };
  const records = reread(original, unresolvedRejects(opts.pool, opts.schema, original.runId), progress);
  const outcome = await executeRun(opts, { id: run.id, source: original.source }, records, progress, {
    onLoaded: (client, recordNos) => resolveRejects(client, opts.schema, original.runId, recordNos, run.id),
  });
  return finishRun(opts.pool, opts.schema, run.id, { ...outcome, csvHeader: original.csvHeader });
}

/** The rejects as records again, read the way their run first read them. */
async function* reread(
  run: StoredRun,
  rejects: AsyncIterable<RejectRecord>,
  progress: FeedProgress,
): AsyncGenerator<SourceRecord | UnreadableRecord> {
  for await (const r of rejects) {
    progress.bytes += Buffer.byteLength(r.raw);
    yield run.format === 'csv' ? csvRow(run.csvHeader, r) : jsonRecord(r);
  }
}

function jsonRecord(r: RejectRecord): SourceRecord | UnreadableRecord {
  try {
    return { recordNo: r.recordNo, line: r.line, raw: r.raw, value: JSON.parse(r.raw) as unknown };
  } catch (err) {
    return unreadable(r.recordNo, r.line, clip(r.raw), 'MALFORMED_JSON', reason(err));
  }
}

function csvRow(header: string[] | null, r: RejectRecord): SourceRecord | UnreadableRecord {
  if (!header) return unreadable(r.recordNo, r.line, r.raw, 'CSV_HEADER', 'the run kept no CSV header to re-read this row with');
  const rows = new CsvRows();
  const row = [...rows.push(r.raw), rows.end()].find((x) => x !== null);
  return csvRecord(header, { fields: row?.fields ?? [''], raw: r.raw, line: r.line, quoted: false }, r.recordNo);
}
