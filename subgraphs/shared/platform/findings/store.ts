import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { RowScope } from '../access/scope.js';
import type { FindingRecord, FindingRow } from './record.js';
import { ident } from '../db/bulk.js';

/** A finding's id: a UUID derived from (code, subjectKey), so recomputation keeps ids and links stable. */
export function findingId(code: string, subjectKey: string): string {
  const h = createHash('sha256').update(`${code}\u0000${subjectKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Which stored findings a recomputation replaces: the region subtree, the months and the rule codes it evaluated. */
export interface FindingScope {
  regionPrefix: string;
  months: string[];
  codes: string[];
}

export interface ReplaceCounts {
  total: number;
  inserted: number;
  updated: number;
  removed: number;
}

/**
 * Store a recomputation's findings: upsert by (code, subjectKey) — rows whose content is unchanged
 * are not touched (their computedAt stays) — and delete the findings of the same scope that are no
 * longer produced. One transaction, three statements whatever the count: same inputs, same rows.
 */
export async function replaceFindings(pool: pg.Pool, schema: string, scope: FindingScope, rows: FindingRow[]): Promise<ReplaceCounts> {
  const t = `${ident(schema)}.finding`;
  const unique = new Map(rows.map((r) => [`${r.code}\u0000${r.subjectKey}`, r]));
  const list = [...unique.values()];
  const columns = {
    id: list.map((r) => findingId(r.code, r.subjectKey)),
    code: list.map((r) => r.code),
    version: list.map((r) => r.ruleVersion),
    severity: list.map((r) => r.severity),
    hospital: list.map((r) => r.hospitalCode),
    region: list.map((r) => r.regionCode),
    month: list.map((r) => r.month),
    subject: list.map((r) => r.subjectKey),
    refs: list.map((r) => JSON.stringify(r.refs)),
    evidence: list.map((r) => JSON.stringify(r.evidence)),
    explanation: list.map((r) => r.explanation),
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const upsert = await client.query<{ inserted: boolean }>(
      `INSERT INTO ${t} AS f (id, code, rule_version, severity, hospital_code, region_code, month, subject_key, refs, evidence, explanation)
       SELECT id, code, version, severity, hospital, region, month, subject,
              ARRAY(SELECT jsonb_array_elements_text(refs::jsonb)), evidence::jsonb, explanation
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS n(id, code, version, severity, hospital, region, month, subject, refs, evidence, explanation)
       ON CONFLICT (code, subject_key) DO UPDATE SET
         rule_version = excluded.rule_version, severity = excluded.severity, hospital_code = excluded.hospital_code,
         region_code = excluded.region_code, month = excluded.month, refs = excluded.refs, evidence = excluded.evidence,
         explanation = excluded.explanation, computed_at = now()
       WHERE (f.rule_version, f.severity, f.hospital_code, f.region_code, f.month, f.refs, f.evidence, f.explanation)
         IS DISTINCT FROM (excluded.rule_version, excluded.severity, excluded.hospital_code, excluded.region_code, excluded.month,
                           excluded.refs, excluded.evidence, excluded.explanation)
       RETURNING (xmax = 0) AS inserted`,
      Object.values(columns),
    );
    const removed = await client.query(
      `DELETE FROM ${t} f
       WHERE f.region_code LIKE $1 || '%' AND f.month = ANY($2::text[]) AND f.code = ANY($3::text[])
         AND NOT EXISTS (SELECT 1 FROM unnest($4::text[], $5::text[]) AS k(code, subject) WHERE k.code = f.code AND k.subject = f.subject_key)`,
      [scope.regionPrefix, scope.months, scope.codes, columns.code, columns.subject],
    );
    await client.query('COMMIT');
    const inserted = upsert.rows.filter((r) => r.inserted).length;
    return { total: list.length, inserted, updated: upsert.rows.length - inserted, removed: removed.rowCount ?? 0 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A stored row as the API reads it. */
interface FindingDbRow {
  id: string;
  code: string;
  rule_version: string;
  severity: FindingRecord['severity'];
  hospital_code: string;
  region_code: string;
  month: string;
  subject_key: string;
  refs: string[];
  evidence: Record<string, unknown>;
  explanation: string;
  computed_at: Date;
}

export const FINDING_COLUMNS =
  'id, code, rule_version, severity, hospital_code, region_code, month, subject_key, refs, evidence, explanation, computed_at';

export const toFindingRecord = (r: FindingDbRow): FindingRecord => ({
  id: r.id,
  code: r.code,
  ruleVersion: r.rule_version,
  severity: r.severity,
  hospitalCode: r.hospital_code,
  regionCode: r.region_code,
  month: r.month,
  subjectKey: r.subject_key,
  refs: r.refs,
  evidence: r.evidence,
  explanation: r.explanation,
  computedAt: r.computed_at,
});

/** A row scope as SQL on a table with hospital_code and region_code (the finding table, every domain table). */
export function scopeSql(scope: RowScope, params: unknown[], alias = ''): string {
  const a = alias ? `${alias}.` : '';
  if (scope.kind === 'hospital') {
    params.push(scope.hospitalCode);
    return `${a}hospital_code = $${params.length}`;
  }
  if (scope.kind === 'region') {
    params.push(`${scope.prefix}%`);
    return `${a}region_code LIKE $${params.length}`;
  }
  return 'false';
}

export type { FindingDbRow };
