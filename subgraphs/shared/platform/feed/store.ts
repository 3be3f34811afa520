import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ident } from '../db/bulk.js';
import { ensurePlatformTables } from '../db/platform-tables.js';
import { decodeCursor, encodeCursor, parsePage, type PageArgs } from '../pagination.js';
import type { FeedError, FeedFormat, RunSummary } from './types.js';

/** The run records and rejected records of one subgraph's feeds (tables feed_run, feed_reject: feed/ddl.ts). */

/** Create feed_run and feed_reject in `schema` if they are not there (db/platform-tables.ts). */
export const ensureFeedTables = (pool: pg.Pool, schema: string): Promise<void> => ensurePlatformTables(pool, schema, { feeds: true });

type Queryable = pg.Pool | pg.PoolClient;
const t = (schema: string, table: 'feed_run' | 'feed_reject') => `${ident(schema)}.${table}`;

/** A stored rejected record. */
export interface RejectRecord {
  runId: string;
  recordNo: number;
  line: number;
  source: string;
  raw: string;
  code: string;
  field: string | null;
  message: string;
  resolvedByRun: string | null;
}

export interface NewRun {
  subgraph: string;
  kind: string;
  source: string;
  format: FeedFormat;
  client: string;
  replayOf?: string | null;
}

/** A run record with what a replay needs to re-read its rejects. */
export interface StoredRun extends RunSummary {
  format: FeedFormat;
  csvHeader: string[] | null;
}

export async function createRun(pool: Queryable, schema: string, run: NewRun): Promise<{ id: string; startedAt: Date }> {
  const id = randomUUID();
  const { rows } = await pool.query<{ started_at: Date }>(
    `INSERT INTO ${t(schema, 'feed_run')} (id, subgraph, kind, source, format, client, status, replay_of)
     VALUES ($1, $2, $3, $4, $5, $6, 'RUNNING', $7) RETURNING started_at`,
    [id, run.subgraph, run.kind, run.source, run.format, run.client, run.replayOf ?? null],
  );
  return { id, startedAt: rows[0]!.started_at };
}

export interface RunOutcome {
  status: RunSummary['status'];
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: FeedError | null;
  /** A CSV source's header, kept so a replay can re-read the rejected rows. */
  csvHeader?: string[] | null;
}

export async function finishRun(pool: Queryable, schema: string, runId: string, outcome: RunOutcome): Promise<RunSummary> {
  const { rows } = await pool.query<RunRow>(
    `UPDATE ${t(schema, 'feed_run')} SET finished_at = now(), status = $2, read = $3, inserted = $4, updated = $5,
       unchanged = $6, rejected = $7, error = $8, csv_header = coalesce($9, csv_header) WHERE id = $1 RETURNING *`,
    [
      runId,
      outcome.status,
      outcome.read,
      outcome.inserted,
      outcome.updated,
      outcome.unchanged,
      outcome.rejected,
      outcome.error,
      outcome.csvHeader ?? null,
    ],
  );
  if (!rows[0]) throw new Error(`feed run ${runId} is not in ${schema}.feed_run`);
  return summaryOf(rows[0]);
}

/** Store rejected records: one statement for the whole batch (arrays unnested). */
export async function addRejects(pool: Queryable, schema: string, runId: string, rejects: Omit<RejectRecord, 'runId' | 'resolvedByRun'>[]) {
  if (rejects.length === 0) return;
  const col = <K extends keyof (typeof rejects)[number]>(k: K) => rejects.map((r) => r[k]);
  await pool.query(
    `INSERT INTO ${t(schema, 'feed_reject')} (run_id, record_no, line, source, raw, code, field, message)
     SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [runId, col('recordNo'), col('line'), col('source'), col('raw').map(stripNul), col('code'), col('field'), col('message').map(stripNul)],
  );
}

/** PostgreSQL text cannot hold NUL; a reject must still be kept (U+FFFD in its place). */
const stripNul = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '\ufffd') : s);

/** Mark rejects of `runId` resolved by `byRun` (a replay loaded them). */
export async function resolveRejects(pool: Queryable, schema: string, runId: string, recordNos: number[], byRun: string) {
  if (recordNos.length === 0) return;
  await pool.query(`UPDATE ${t(schema, 'feed_reject')} SET resolved_by_run = $3 WHERE run_id = $1 AND record_no = ANY($2::int[])`, [
    runId,
    recordNos,
    byRun,
  ]);
}

export async function getRun(pool: Queryable, schema: string, runId: string): Promise<StoredRun | null> {
  const { rows } = await pool.query<RunRow>(`SELECT * FROM ${t(schema, 'feed_run')} WHERE id = $1`, [runId]);
  return rows[0] ? { ...summaryOf(rows[0]), format: rows[0].format, csvHeader: rows[0].csv_header } : null;
}

export interface RunPage {
  runs: RunSummary[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Runs newest first, keyset-paginated by (started_at, id); `kind` filters. */
export async function listRuns(pool: Queryable, schema: string, args: PageArgs & { kind?: string | null }): Promise<RunPage> {
  const page = parsePage(args);
  const [at, id] = page.after ? splitRunCursor(page.after) : [null, null];
  const { rows } = await pool.query<RunRow>(
    `SELECT * FROM ${t(schema, 'feed_run')}
     WHERE ($1::text IS NULL OR kind = $1) AND ($2::timestamptz IS NULL OR (started_at, id) < ($2, $3::uuid))
     ORDER BY started_at DESC, id DESC LIMIT $4`,
    [args.kind ?? null, at, id, page.take],
  );
  const runs = rows.slice(0, page.first).map(summaryOf);
  const last = runs.at(-1);
  return {
    runs,
    hasNextPage: rows.length > page.first,
    endCursor: last ? encodeCursor(`${last.startedAt.toISOString()}|${last.runId}`) : null,
  };
}

function splitRunCursor(key: string): [string, string] {
  const [at, id] = key.split('|');
  if (!at || !id || Number.isNaN(Date.parse(at))) decodeCursor('', 'after'); // throws the cursor error
  return [at!, id!];
}

export interface RejectPage {
  rejects: RejectRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** A run's rejects in record order, keyset-paginated by record number. */
export async function listRejects(pool: Queryable, schema: string, runId: string, args: PageArgs): Promise<RejectPage> {
  const page = parsePage(args);
  const after = page.after === null ? 0 : Number(page.after);
  const rows = await rejectsAfter(pool, schema, runId, after, page.take, false);
  const rejects = rows.slice(0, page.first);
  const last = rejects.at(-1);
  return { rejects, hasNextPage: rows.length > page.first, endCursor: last ? encodeCursor(String(last.recordNo)) : null };
}

/** The run's unresolved rejects in record order, a page at a time (a replay's source: any number of them). */
export async function* unresolvedRejects(pool: Queryable, schema: string, runId: string, pageSize = 1000): AsyncGenerator<RejectRecord> {
  let after = 0;
  for (;;) {
    const rows = await rejectsAfter(pool, schema, runId, after, pageSize, true);
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.recordNo;
  }
}

async function rejectsAfter(pool: Queryable, schema: string, runId: string, after: number, limit: number, unresolved: boolean) {
  const { rows } = await pool.query<RejectRow>(
    `SELECT * FROM ${t(schema, 'feed_reject')} WHERE run_id = $1 AND record_no > $2 ${unresolved ? 'AND resolved_by_run IS NULL' : ''}
     ORDER BY record_no LIMIT $3`,
    [runId, Number.isFinite(after) ? after : 0, limit],
  );
  return rows.map(rejectOf);
}

interface RunRow {
  id: string;
  subgraph: string;
  kind: string;
  source: string;
  format: FeedFormat;
  csv_header: string[] | null;
  client: string;
  started_at: Date;
  finished_at: Date | null;
  status: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  replay_of: string | null;
  error: FeedError | null;
}

interface RejectRow {
  run_id: string;
  record_no: number;
  line: number;
  source: string;
  raw: string;
  code: string;
  field: string | null;
  message: string;
  resolved_by_run: string | null;
}

const summaryOf = (r: RunRow): RunSummary => ({
  runId: r.id,
  subgraph: r.subgraph,
  kind: r.kind,
  source: r.source,
  client: r.client,
  startedAt: r.started_at,
  // a run still going (status RUNNING) has no end yet: its start stands in
  finishedAt: r.finished_at ?? r.started_at,
  status: r.status as RunSummary['status'],
  read: r.read,
  inserted: r.inserted,
  updated: r.updated,
  unchanged: r.unchanged,
  rejected: r.rejected,
  replayOf: r.replay_of,
  error: r.error,
});

const rejectOf = (r: RejectRow): RejectRecord => ({
  runId: r.run_id,
  recordNo: r.record_no,
  line: r.line,
  source: r.source,
  raw: r.raw,
  code: r.code,
  field: r.field,
  message: r.message,
  resolvedByRun: r.resolved_by_run,
});
