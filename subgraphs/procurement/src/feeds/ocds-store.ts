/**
 * The ocds feed's database side: the stored releases of a batch's processes (read while preparing), and
 * rebuilding the process tables of changed processes from all their stored releases (after each merge).
 * Reads and writes only the procurement schema; the directory facts come from ocds_release.directory.
 */
import type pg from 'pg';
import { ident, bulkLoadOn } from '#platform/db/bulk.js';
import type { FeedBatch, FeedRunContext } from '#platform/feed/types.js';
import { compileReleases, isObject, type JsonObject } from '../ocds/compile.js';
import { emptyRows, mapRecord, PROCESS_TABLES, type DirectoryFacts, type ProcessRows, type ProcessTable } from '../ocds/map.js';

/**
 * Per batch: the process rows its `prepare` compiled (stored releases and the batch's own), by ocid —
 * what the merge is about to make true, so afterMerge writes them without reading and compiling every
 * release again.
 */
export const preparedRows = new WeakMap<FeedBatch, Map<string, ProcessRows>>();

/** The stored releases of `ocids`, by ocid, in merge order. */
export async function storedReleases(
  pool: pg.Pool,
  schema: string,
  ocids: string[],
): Promise<Map<string, { releaseId: string; body: JsonObject; directory: JsonObject }[]>> {
  const byOcid = new Map<string, { releaseId: string; body: JsonObject; directory: JsonObject }[]>();
  if (ocids.length === 0) return byOcid;
  const { rows } = await pool.query<{ ocid: string; release_id: string; body: JsonObject; directory: JsonObject }>(
    `SELECT ocid, release_id, body, directory FROM ${ident(schema)}.ocds_release WHERE ocid = ANY($1) ORDER BY ocid, date, release_id`,
    [ocids],
  );
  for (const r of rows) {
    const list = byOcid.get(r.ocid) ?? [];
    list.push({ releaseId: r.release_id, body: r.body, directory: r.directory });
    byOcid.set(r.ocid, list);
  }
  return byOcid;
}

/** The directory facts of a process: the buyer as last recorded, the suppliers' dates from every release. */
export function mergeFacts(directories: readonly JsonObject[]): DirectoryFacts | null {
  let hospital: DirectoryFacts['hospital'] | null = null;
  const registeredOn: DirectoryFacts['registeredOn'] = {};
  for (const d of directories) {
    const h = d['hospital'];
    if (isObject(h) && typeof h['code'] === 'string' && typeof h['regionCode'] === 'string')
      hospital = { code: h['code'], regionCode: h['regionCode'] };
    const dates = d['registeredOn'];
    if (isObject(dates)) for (const [uscc, date] of Object.entries(dates)) registeredOn[uscc] = typeof date === 'string' ? date : null;
  }
  return hospital ? { hospital, registeredOn } : null;
}

/** Compiles and maps every process of `ocids` from its stored releases. Throws when one cannot be mapped. */
export async function processRows(pool: pg.Pool, schema: string, ocids: string[]): Promise<ProcessRows> {
  const all = emptyRows();
  for (const [ocid, releases] of await storedReleases(pool, schema, ocids)) {
    const facts = mergeFacts(releases.map((r) => r.directory));
    if (!facts) throw new Error(`ocds: process ${ocid} has no buyer hospital recorded`);
    const mapped = mapRecord(compileReleases(releases.map((r) => r.body)), facts);
    if (!mapped.ok) throw new Error(`ocds: process ${ocid} cannot be mapped: ${mapped.error.message}`);
    for (const table of Object.keys(all) as ProcessTable[]) all[table].push(...mapped.rows[table]);
  }
  return all;
}

/**
 * afterMerge of the ocds feed: for the changed processes, replace their rows in tender, lot, bid,
 * committee_member, award, contract and party by the compiled record's — one transaction for the batch.
 */
export async function recompileProcesses(changedKeys: string[][], ctx: FeedRunContext, batch?: FeedBatch): Promise<void> {
  const ocids = [...new Set(changedKeys.map((k) => k[0]).filter((o): o is string => typeof o === 'string'))];
  const prepared = batch && preparedRows.get(batch);
  if (ocids.length === 0) return;
  const rows = emptyRows();
  const add = (more: ProcessRows) => {
    for (const table of Object.keys(rows) as ProcessTable[]) for (const row of more[table]) rows[table].push(row);
  };
  const missing = ocids.filter((ocid) => !prepared?.has(ocid));
  for (const ocid of ocids) if (prepared?.has(ocid)) add(prepared.get(ocid)!);
  if (missing.length) add(await processRows(ctx.pool, ctx.schema, missing));
  const client = await ctx.pool.connect();
  try {
    await client.query('BEGIN');
    for (const table of Object.keys(PROCESS_TABLES) as ProcessTable[]) {
      await client.query(`DELETE FROM ${ident(ctx.schema)}.${ident(table)} WHERE ocid = ANY($1)`, [ocids]);
      await bulkLoadOn(client, { schema: ctx.schema, table, columns: [...PROCESS_TABLES[table]] }, rows[table], ctx.method);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
