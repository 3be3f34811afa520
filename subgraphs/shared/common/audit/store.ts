// SQL shared by the writer, verification and purge: one table layout, one lock, one way to extend
// the chain. Plain `pg` (not Prisma): the gateway and the feeds write here without a Prisma client.
import pg from 'pg';
import { hashStoredEntry, GENESIS_HASH, type AuditHashAlgorithm } from './chain.js';
import { normalizeEntry, recordedFields, type AuditEntry } from './entry.js';

/**
 * Advisory lock serialising extension of the chain across every process (gateway workers,
 * subgraphs, purge): "ihaudit" in ASCII. Transaction-scoped, so a crashed writer never holds it.
 */
export const AUDIT_LOCK_KEY = '29670765540174196';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"schema"."table"`, for a schema name that is a plain identifier. */
export function table(schema: string, name: 'entry' | 'checkpoint'): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid audit schema name ${JSON.stringify(schema)}`);
  return `"${schema}"."${name}"`;
}

export interface ChainHead {
  /** 0 before the first row. */
  seq: number;
  hash: string;
}

/** The last row's seq and hash; after a purge of every row, the checkpoint's; else genesis. */
export async function readHead(client: pg.ClientBase, schema: string): Promise<ChainHead> {
  const last = await client.query<{ seq: string; hash: string }>(
    `SELECT seq::text AS seq, hash FROM ${table(schema, 'entry')} t ORDER BY t.seq DESC LIMIT 1`,
  );
  if (last.rows[0]) return { seq: Number(last.rows[0].seq), hash: last.rows[0].hash };
  const cp = await latestCheckpoint(client, schema);
  return cp ? { seq: cp.upToSeq, hash: cp.hash } : { seq: 0, hash: GENESIS_HASH };
}

export interface CheckpointRow {
  upToSeq: number;
  hash: string;
  purgedAt: Date;
  rowsPurged: number;
}

export async function latestCheckpoint(client: pg.ClientBase, schema: string): Promise<CheckpointRow | null> {
  const { rows } = await client.query<{ up_to_seq: string; hash: string; purged_at: Date; rows_purged: string }>(
    `SELECT up_to_seq::text AS up_to_seq, hash, purged_at, rows_purged::text AS rows_purged FROM ${table(schema, 'checkpoint')} t ORDER BY t.up_to_seq DESC LIMIT 1`,
  );
  const r = rows[0];
  return r ? { upToSeq: Number(r.up_to_seq), hash: r.hash, purgedAt: r.purged_at, rowsPurged: Number(r.rows_purged) } : null;
}

export const ENTRY_COLUMNS = [
  'seq',
  'time',
  'alg',
  'prev_hash',
  'hash',
  'source',
  'request_id',
  'subject',
  'client_id',
  'roles',
  'ip',
  'operation_type',
  'operation_name',
  'operation_hash',
  'hospitals',
  'records',
  'outcome',
  'status',
  'error_codes',
  'duration_ms',
  'unmask_reason',
  'unmasked_fields',
  'detail',
] as const;
const CASTS: Partial<Record<(typeof ENTRY_COLUMNS)[number], string>> = {
  seq: 'bigint',
  time: 'timestamptz',
  roles: 'text[]',
  hospitals: 'text[]',
  records: 'int',
  status: 'int',
  error_codes: 'text[]',
  duration_ms: 'int',
  unmasked_fields: 'text[]',
  detail: 'jsonb',
};
/** The columns as read back (bigint seq as text, see EntryRow). */
export const ENTRY_SELECT = ENTRY_COLUMNS.map((c) => (c === 'seq' ? 'seq::text AS seq' : c)).join(', ');
/** Bind parameters per INSERT stay under PostgreSQL's 65,535. */
export const MAX_BATCH = Math.floor(65_535 / ENTRY_COLUMNS.length);

/**
 * Inside a transaction that holds AUDIT_LOCK_KEY: read the head, hash `entries` onto it in
 * process, insert them in one statement. Returns the new head.
 */
export async function appendChained(
  client: pg.ClientBase,
  schema: string,
  alg: AuditHashAlgorithm,
  entries: readonly AuditEntry[],
): Promise<ChainHead> {
  let head = await readHead(client, schema);
  if (entries.length === 0) return head;
  if (entries.length > MAX_BATCH) throw new Error(`at most ${MAX_BATCH} audit entries per statement`);
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const raw of entries) {
    const e = normalizeEntry(raw);
    const seq = head.seq + 1;
    const hash = hashStoredEntry(alg, head.hash, seq, e);
    const row = [
      String(seq),
      e.time.toISOString(),
      alg,
      head.hash,
      hash,
      ...recordedFields(e),
      e.detail === null ? null : JSON.stringify(e.detail),
    ];
    tuples.push(`(${row.map((_, i) => `$${values.length + i + 1}::${CASTS[ENTRY_COLUMNS[i]!] ?? 'text'}`).join(',')})`);
    values.push(...row);
    head = { seq, hash };
  }
  await client.query(`INSERT INTO ${table(schema, 'entry')} (${ENTRY_COLUMNS.join(',')}) VALUES ${tuples.join(',')}`, values);
  return head;
}

/** A stored row, as pg returns it (bigint as text). */
export interface EntryRow {
  seq: string;
  time: Date;
  alg: string;
  prev_hash: string;
  hash: string;
  source: string;
  request_id: string | null;
  subject: string | null;
  client_id: string | null;
  roles: string[] | null;
  ip: string | null;
  operation_type: string | null;
  operation_name: string | null;
  operation_hash: string | null;
  hospitals: string[] | null;
  records: number;
  outcome: string;
  status: number | null;
  error_codes: string[] | null;
  duration_ms: number;
  unmask_reason: string | null;
  unmasked_fields: string[] | null;
  detail: Record<string, unknown> | null;
}

/** The entry a row was written from — what its hash covers. */
export function entryOfRow(row: EntryRow): AuditEntry {
  return {
    time: row.time,
    source: row.source,
    requestId: row.request_id,
    subject: row.subject,
    clientId: row.client_id,
    roles: row.roles ?? [],
    ip: row.ip,
    operationType: row.operation_type as AuditEntry['operationType'],
    operationName: row.operation_name,
    operationHash: row.operation_hash,
    hospitals: row.hospitals ?? [],
    records: row.records,
    outcome: row.outcome as AuditEntry['outcome'],
    status: row.status,
    errorCodes: row.error_codes ?? [],
    durationMs: row.duration_ms,
    unmaskReason: row.unmask_reason,
    unmaskedFields: row.unmasked_fields ?? [],
    detail: row.detail,
  };
}

/** Run `fn` in a transaction holding the chain lock; rolled back on error. */
export async function withChainLock<T>(client: pg.ClientBase, fn: () => Promise<T>, setup: string[] = []): Promise<T> {
  await client.query('BEGIN');
  try {
    for (const sql of setup) await client.query(sql);
    await client.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** `fn` with a client: the one given, or one checked out of the pool given and released after (discarded if `fn` threw). */
export async function withPoolClient<T>(source: pg.Pool | pg.ClientBase, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!('totalCount' in source)) return fn(source);
  const client = await source.connect();
  let failed = false;
  try {
    return await fn(client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.release(failed ? true : undefined);
  }
}

/** A small pool on the audit log's database (a `?schema=` parameter is ignored), for a writer or an operator command. */
export function openAuditPool(url: string, applicationName: string): pg.Pool {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: 2,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
  });
  pool.on('error', () => undefined);
  return pool;
}
