import type pg from 'pg';
import type { BulkMethod, Cell } from '../db/bulk.js';

/**
 * The feed platform's contract (docs/architecture.md, "The domain contract" — Feeds). A domain
 * subgraph declares its feeds (`feeds: [...]` in defineSubgraph); the CLI (`npm run feed`) and the
 * gateway's `POST /feeds/<subgraph>/<kind>` run them the same way through `runFeed`.
 */

/** How a body or file is read into records. `json`: one document, or the elements of its top-level array, or of `arrayKeys`. */
export type FeedFormat = 'ndjson' | 'json' | 'csv';

/** One record as read from the source, before validation. */
export interface SourceRecord {
  /** 1-based record number within the source. */
  recordNo: number;
  /** 1-based line where the record starts (CSV: the physical line; JSON: the line of its first character). */
  line: number;
  /** The record's raw text, exactly as read (kept with a rejection, for replay). */
  raw: string;
  /** Parsed: a JSON value (ndjson, json) or a CSV row keyed by header (csv). */
  value: unknown;
}

/** Why a record was refused. `field` names the offending field (a JSON path like `tender.value.amount`, or a CSV column). */
export interface FeedError {
  code: string;
  message: string;
  field?: string;
}

/** A record read but refused before it could be parsed (malformed JSON line, wrong column count, truncated file). */
export interface UnreadableRecord {
  recordNo: number;
  line: number;
  raw: string;
  error: FeedError;
}

/**
 * What a kind's `prepare` makes of one record: at most one row per table (cells in the table's
 * `columns` order; a table left out gets none), or a rejection.
 */
export type Prepared = { ok: true; rows: Record<string, Cell[]> } | { ok: false; error: FeedError };

/** A table a feed upserts into, by natural key: `COPY` into a staging table, then one merge (or multi-row inserts on the embedded default). */
export interface FeedTable {
  name: string;
  columns: string[];
  /** Natural key columns (a unique index on the table). */
  key: string[];
  /** Columns that are set on insert only and never compared (e.g. `created_at`); default none. */
  insertOnly?: string[];
  /** Columns that change without the record changing (e.g. `updated_at`): set on update, ignored when comparing. */
  touch?: string[];
}

/** Counts of a merge: rows inserted, rows changed, rows already equal. */
export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What a feed kind gets while it runs. */
export interface FeedRunContext {
  runId: string;
  pool: pg.Pool;
  schema: string;
  method: BulkMethod;
  /** The caller (machine client id, or `cli:<user>`) and its row scope's region, if any. */
  client: string;
  /** Cross-subgraph look-ups through federation (e.g. directory hospitals by code); provided by the host. */
  peers: PeerLookup;
  /** Settings of the run (e.g. currency rates), from configuration. */
  settings: Record<string, unknown>;
  /**
   * A JSON package's top-level keys other than its records (`publishedDate`, `uri`, `extensions`, …),
   * as far as read: the keys before the records array are there for the first batch.
   */
  metadata?: Record<string, unknown>;
}

/** Entities of another subgraph by key, through that subgraph's `_entities` (never its tables). */
export interface PeerLookup {
  /** `selection` is the fields wanted, e.g. `code region { code }`; missing entities come back null, same order as keys. */
  entities(
    subgraph: string,
    typename: string,
    keys: Record<string, unknown>[],
    selection: string,
  ): Promise<(Record<string, unknown> | null)[]>;
}

/** One kind of feed of one subgraph (e.g. procurement `ocds`, procurement `orders`). */
export interface FeedKind {
  kind: string;
  /** Chinese / English one-liner for the README, the CLI's help and the run record. */
  description: string;
  formats: FeedFormat[];
  /** For `json`: the keys whose array elements are the records (e.g. `releases`, `records`). */
  arrayKeys?: string[];
  /** For `csv`: the header the file must carry (order free, names exact). */
  csvColumns?: string[];
  /** For `csv`: another accepted heading per column (canonical → alias), e.g. the platform export's Chinese one. */
  csvAliases?: Record<string, string>;
  /** Tables written, in load order; `prepare` returns rows keyed by these names. */
  tables: FeedTable[];
  /**
   * Validate and map a batch of records (same order and length). May look up peers; never writes.
   * `batch` is the same object afterMerge gets for this batch: a kind keeps what it worked out for the
   * merge's aftermath by it (a WeakMap keyed by the batch), never in a run-wide global.
   */
  prepare(records: SourceRecord[], ctx: FeedRunContext, batch?: FeedBatch): Promise<Prepared[]>;
  /**
   * After each batch is merged, with the natural keys (first table's) that were inserted or updated:
   * e.g. recompile OCDS records from their stored releases. Returns nothing; errors fail the run.
   */
  afterMerge?(changedKeys: string[][], ctx: FeedRunContext, batch?: FeedBatch): Promise<void>;
  /**
   * Prepare batch N+1 (reading, parsing, validating, looking up) while batch N merges and runs its
   * afterMerge, so the process and the database work at once. Merges and afterMerges still run one at
   * a time, in order. Only for a kind whose prepare does not depend on the previous batch being stored
   * — or that carries what it needs of it itself (the ocds kind keeps the releases it accepted).
   */
  pipelined?: boolean;
  /**
   * Once, after the last batch, when the run inserted or updated anything (also after a failure, for what
   * was loaded until then): derived data, e.g. recomputing the flags of the regions and years the run touched.
   * An error fails the run.
   */
  afterRun?(ctx: FeedRunContext): Promise<void>;
  /** Records per batch (default 2,000). */
  batchSize?: number;
}

/** One batch of a run: the same object goes to the kind's prepare and afterMerge. */
export interface FeedBatch {
  /** 1-based, in source order. */
  no: number;
}

/** The run record (table `feed_run` in the owning subgraph's schema). */
export interface RunSummary {
  runId: string;
  subgraph: string;
  kind: string;
  source: string;
  client: string;
  startedAt: Date;
  finishedAt: Date;
  /** RUNNING only while a run is going (or if its process died): listRuns can show it. */
  status: 'SUCCEEDED' | 'FAILED' | 'PARTIAL' | 'RUNNING';
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The run this one replayed, if it is a replay. */
  replayOf?: string | null;
  /** A failure that stopped the run (e.g. the body limit), if any. */
  error?: FeedError | null;
}
