import type pg from 'pg';
import type { BulkMethod, Cell } from '../db/bulk.js';
import { FeedFailure, feedErrorOf } from './failure.js';
import { mergeRows } from './merge.js';
import { isUnreadable, readRecords } from './readers/index.js';
import { addRejects, createRun, finishRun, type RejectRecord, type RunOutcome } from './store.js';
import type {
  FeedBatch,
  FeedFormat,
  FeedKind,
  FeedRunContext,
  MergeCounts,
  PeerLookup,
  RunSummary,
  SourceRecord,
  UnreadableRecord,
} from './types.js';

export interface FeedProgress {
  bytes: number;
  records: number;
}

/** What a run needs besides its source (runFeed, replayRun). */
export interface FeedTarget {
  subgraph: string;
  kind: FeedKind;
  pool: pg.Pool;
  schema: string;
  method: BulkMethod;
  client: string;
  peers: PeerLookup;
  settings?: Record<string, unknown>;
  onProgress?: (p: FeedProgress) => void;
}

export interface RunFeedOptions extends FeedTarget {
  source: { name: string; stream: AsyncIterable<Buffer | string>; format: FeedFormat };
  /** Stop with error { code: 'PAYLOAD_TOO_LARGE' } and status FAILED once more bytes than this were read. */
  maxBytes?: number;
  replayOf?: string;
}

/**
 * Run one source through a feed kind (docs/architecture.md, "Feeds"): read as it streams, in
 * batches of kind.batchSize — prepare, store the rejects, merge the valid rows table by table in one
 * transaction, afterMerge — and keep the run record. A failure (a database error, the body limit, a
 * peer that cannot be reached) ends the run FAILED with its error; what was loaded and rejected
 * until then stays. PARTIAL when records were rejected, SUCCEEDED otherwise.
 */
export async function runFeed(opts: RunFeedOptions): Promise<RunSummary> {
  const { kind, source } = opts;
  const run = await createRun(opts.pool, opts.schema, {
    subgraph: opts.subgraph,
    kind: kind.kind,
    source: source.name,
    format: source.format,
    client: opts.client,
    replayOf: opts.replayOf,
  });
  const progress: FeedProgress = { bytes: 0, records: 0 };
  const metadata: Record<string, unknown> = {};
  let csvHeader: string[] | null = null;
  const records = readRecords(counted(source.stream, progress, opts), source.format, {
    arrayKeys: kind.arrayKeys,
    columns: kind.csvColumns,
    aliases: kind.csvAliases,
    onMetadata: (key, value) => (metadata[key] = value),
    onHeader: (header) => (csvHeader = header),
  });
  const outcome = await executeRun(opts, { id: run.id, source: source.name, metadata }, records, progress);
  return finishRun(opts.pool, opts.schema, run.id, { ...outcome, csvHeader });
}

async function* counted(stream: AsyncIterable<Buffer | string>, progress: FeedProgress, opts: RunFeedOptions) {
  for await (const chunk of stream) {
    progress.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (opts.maxBytes !== undefined && progress.bytes > opts.maxBytes)
      throw new FeedFailure('PAYLOAD_TOO_LARGE', `the source is larger than the limit of ${opts.maxBytes} bytes`);
    opts.onProgress?.(progress);
    yield chunk;
  }
}

export interface RunHooks {
  /** In each batch's transaction, after the merge: the record numbers that loaded (replay marks their rejects resolved). */
  onLoaded?: (client: pg.PoolClient, recordNos: number[]) => Promise<void>;
}

/**
 * The batches of a run, whatever the source (a file, or a replay's rejects); never throws. A pipelined
 * kind prepares the next batch while the last one commits (at most one commit in flight); commits
 * always run one after the other, in source order.
 */
export async function executeRun(
  target: FeedTarget,
  run: { id: string; source: string; metadata?: Record<string, unknown> },
  records: AsyncIterable<SourceRecord | UnreadableRecord>,
  progress: FeedProgress,
  hooks: RunHooks = {},
): Promise<RunOutcome> {
  const ctx: FeedRunContext = { ...target, runId: run.id, settings: target.settings ?? {}, metadata: run.metadata ?? {} };
  const totals: RunOutcome = { status: 'SUCCEEDED', read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, error: null };
  const batchSize = target.kind.batchSize ?? 2_000;
  let committing: Promise<void> = Promise.resolve();
  let batches = 0;
  const flush = async (records: (SourceRecord | UnreadableRecord)[]) => {
    const batch: FeedBatch = { no: ++batches };
    const prepared = await prepareBatch(target.kind, ctx, run.source, records, batch);
    await committing;
    const commit = commitBatch(target, ctx, prepared, batch, totals, hooks);
    // handled here so a failure waits for the next flush (or the end) without an unhandled rejection
    commit.catch(() => undefined);
    committing = commit;
    if (!target.kind.pipelined) await commit;
  };
  try {
    let batch: (SourceRecord | UnreadableRecord)[] = [];
    for await (const record of records) {
      totals.read += 1;
      progress.records = totals.read;
      batch.push(record);
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length) await flush(batch);
    await committing;
    if (totals.read === 0) totals.error = { code: 'EMPTY_SOURCE', message: `${run.source} holds no records` };
  } catch (err) {
    totals.error = feedErrorOf(err);
  }
  // A failure while a commit was in flight: let it end (it rolls back or commits) before afterRun reads.
  await committing.catch(() => undefined);
  // Even after a failure: what was loaded until then is in the tables and its derived data must follow.
  if (target.kind.afterRun && totals.inserted + totals.updated > 0) {
    try {
      await target.kind.afterRun(ctx);
    } catch (err) {
      totals.error ??= feedErrorOf(err);
    }
  }
  totals.status = totals.error ? 'FAILED' : totals.rejected > 0 ? 'PARTIAL' : 'SUCCEEDED';
  target.onProgress?.(progress);
  return totals;
}

type NewReject = Omit<RejectRecord, 'runId' | 'resolvedByRun'>;

/** A batch prepared: its rejects (in record order), the rows per table and the record numbers that load. */
interface PreparedBatch {
  rejects: NewReject[];
  rows: Map<string, Cell[][]>;
  loaded: number[];
}

async function prepareBatch(
  kind: FeedKind,
  ctx: FeedRunContext,
  source: string,
  batch: (SourceRecord | UnreadableRecord)[],
  handle: FeedBatch,
): Promise<PreparedBatch> {
  const readable = batch.filter((r): r is SourceRecord => !isUnreadable(r));
  const prepared = readable.length ? await kind.prepare(readable, ctx, handle) : [];
  if (prepared.length !== readable.length)
    throw new Error(`feed ${kind.kind}: prepare returned ${prepared.length} results for ${readable.length} records`);
  const rejects: NewReject[] = [];
  for (const r of batch) if (isUnreadable(r)) rejects.push(rejectOf(r, r.error, source));
  const rows = new Map<string, Cell[][]>(kind.tables.map((t) => [t.name, []]));
  const loaded: number[] = [];
  for (const [i, p] of prepared.entries()) {
    const record = readable[i]!;
    if (!p.ok) {
      rejects.push(rejectOf(record, p.error, source));
      continue;
    }
    for (const [table, row] of Object.entries(p.rows)) {
      const into = rows.get(table);
      if (!into) throw new Error(`feed ${kind.kind}: prepare returned a row for ${table}, which is not one of its tables`);
      into.push(row);
    }
    loaded.push(record.recordNo);
  }
  rejects.sort((a, b) => a.recordNo - b.recordNo);
  return { rejects, rows, loaded };
}

async function commitBatch(
  target: FeedTarget,
  ctx: FeedRunContext,
  { rejects, rows, loaded }: PreparedBatch,
  batch: FeedBatch,
  totals: RunOutcome,
  hooks: RunHooks,
) {
  await addRejects(target.pool, target.schema, ctx.runId, rejects);
  totals.rejected += rejects.length;
  const { counts, changedKeys } = await mergeBatch(target, rows, async (client) => hooks.onLoaded?.(client, loaded));
  totals.inserted += counts.inserted;
  totals.updated += counts.updated;
  totals.unchanged += counts.unchanged;
  if (changedKeys.length && target.kind.afterMerge) await target.kind.afterMerge(changedKeys, ctx, batch);
}

const rejectOf = (r: { recordNo: number; line: number; raw: string }, error: UnreadableRecord['error'], source: string): NewReject => ({
  recordNo: r.recordNo,
  line: r.line,
  source,
  raw: r.raw,
  code: error.code,
  field: error.field ?? null,
  message: error.message,
});

/** Every table's rows in one transaction; the counts are the first table's (the record's own row). */
async function mergeBatch(
  target: FeedTarget,
  rows: Map<string, Cell[][]>,
  inTransaction: (client: pg.PoolClient) => Promise<void>,
): Promise<{ counts: MergeCounts; changedKeys: string[][] }> {
  const client = await target.pool.connect();
  let first: MergeCounts & { changedKeys: string[][] } = { inserted: 0, updated: 0, unchanged: 0, changedKeys: [] };
  try {
    await client.query('BEGIN');
    for (const [i, table] of target.kind.tables.entries()) {
      const merged = await mergeRows(client, target.schema, table, rows.get(table.name)!, target.method);
      if (i === 0) first = merged;
    }
    await inTransaction(client);
    await client.query('COMMIT');
    return { counts: first, changedKeys: first.changedKeys };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
