import type pg from 'pg';
import { badInput } from '#common/errors.js';
import type { RowScope } from '../access/scope.js';
import { toConnection, type Connection, type Page } from '../pagination.js';
import { periodMonths } from '../period.js';
import { assertValid, subtreePrefix, validateRegionCode } from '../validation/index.js';
import type { FindingRecord } from './record.js';
import { FINDING_COLUMNS, scopeSql, toFindingRecord, type FindingDbRow } from './store.js';
import { ident } from '../db/bulk.js';

/** The filters every domain's findings list takes (procurementFlags, visitViolations, …). */
export interface FindingFilter {
  hospitalCode?: string | null;
  regionCode?: string | null;
  period?: string | null;
  code?: readonly string[] | null;
  severity?: readonly string[] | null;
  /** Findings that refer to any of these records (`Type:key`). */
  refs?: readonly string[] | null;
}

function where(scope: RowScope, filter: FindingFilter, params: unknown[]): string {
  const clauses = [scopeSql(scope, params)];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.hospitalCode) add((p) => `hospital_code = ${p}`, filter.hospitalCode.toUpperCase());
  if (filter.regionCode)
    add((p) => `region_code LIKE ${p}`, `${subtreePrefix(assertValid('filter.regionCode', validateRegionCode(filter.regionCode)))}%`);
  if (filter.period) add((p) => `month = ANY(${p}::text[])`, periodMonths('filter.period', filter.period));
  if (filter.code?.length) add((p) => `code = ANY(${p}::text[])`, filter.code);
  if (filter.severity?.length) add((p) => `severity = ANY(${p}::text[])`, filter.severity);
  if (filter.refs?.length) add((p) => `refs && ${p}::text[]`, filter.refs);
  return clauses.join(' AND ');
}

const cursorKey = (f: FindingRecord) => `${f.month}|${f.id}`;

/** A page of findings, newest month first (keyset on month, id); `totalCount` counts only when asked. */
export async function findingsPage(
  pool: pg.Pool,
  schema: string,
  scope: RowScope,
  filter: FindingFilter,
  page: Page,
): Promise<Connection<FindingRecord>> {
  const table = `${ident(schema)}.finding`;
  const params: unknown[] = [];
  const base = where(scope, filter, params);
  const listParams = [...params];
  let keyset = '';
  if (page.after) {
    const [month, id] = page.after.split('|');
    if (!month || !id || !/^[0-9a-f-]{36}$/.test(id)) throw badInput('after', 'after is not a cursor from this list');
    listParams.push(month, id);
    keyset = ` AND (month < $${listParams.length - 1} OR (month = $${listParams.length - 1} AND id > $${listParams.length}::uuid))`;
  }
  listParams.push(page.take);
  const { rows } = await pool.query<FindingDbRow>(
    `SELECT ${FINDING_COLUMNS} FROM ${table} WHERE ${base}${keyset} ORDER BY month DESC, id LIMIT $${listParams.length}`,
    listParams,
  );
  return toConnection(rows.map(toFindingRecord), page, cursorKey, async () => {
    const counted = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${base}`, params);
    return counted.rows[0]!.n;
  });
}

/** The findings about each of `refs` (same order), in the caller's scope: one statement for a whole batch. */
export async function findingsByRefs(pool: pg.Pool, schema: string, scope: RowScope, refs: readonly string[]): Promise<FindingRecord[][]> {
  const params: unknown[] = [];
  const scoped = scopeSql(scope, params);
  params.push(refs);
  const { rows } = await pool.query<FindingDbRow>(
    `SELECT ${FINDING_COLUMNS} FROM ${ident(schema)}.finding WHERE ${scoped} AND refs && $${params.length}::text[] ORDER BY month DESC, code, id`,
    params,
  );
  const wanted = new Map(refs.map((r) => [r, [] as FindingRecord[]]));
  for (const row of rows) for (const ref of row.refs) wanted.get(ref)?.push(toFindingRecord(row));
  return refs.map((r) => wanted.get(r) ?? []);
}

/** Findings by id (entity references), in the caller's scope. */
export async function findingsByIds(pool: pg.Pool, schema: string, scope: RowScope, ids: readonly string[]): Promise<FindingRecord[]> {
  const params: unknown[] = [];
  const scoped = scopeSql(scope, params);
  params.push(ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)));
  const { rows } = await pool.query<FindingDbRow>(
    `SELECT ${FINDING_COLUMNS} FROM ${ident(schema)}.finding WHERE ${scoped} AND id = ANY($${params.length}::uuid[])`,
    params,
  );
  return rows.map(toFindingRecord);
}
