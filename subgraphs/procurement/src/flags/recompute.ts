import type pg from 'pg';
import { appError, badInput } from '#common/errors.js';
import { regionInScope } from '#platform/access/scope.js';
import { replaceFindings } from '#platform/findings/store.js';
import { resolveThresholds, type Override } from '#platform/rules/thresholds.js';
import { assertValid, subtreePrefix, validateRegionCode } from '#platform/validation/index.js';
import { periodMonths } from '#platform/period.js';
import type { Context } from '../context.js';
import { evaluateAll, procurementRules } from '../rules/index.js';
import { procurementThresholds } from '../rules/thresholds.js';
import { loadFacts } from './facts.js';

const yearMonths = (year: number) => periodMonths('year', String(year));

export interface Recomputation {
  regionCode: string;
  year: number;
  version: string;
  flags: number;
  inserted: number;
  updated: number;
  removed: number;
  milliseconds: number;
}

/** The regional threshold overrides kept in the subgraph's `rule_threshold_override` table (#platform/findings/ddl.js). */
async function loadOverrides(pool: pg.Pool, schema: string): Promise<Override[]> {
  const { rows } = await pool.query<{ rule_code: string; region_code: string; params: Record<string, unknown>; valid_from: Date }>(
    `SELECT rule_code, region_code, params, valid_from FROM "${schema}".rule_threshold_override`,
  );
  return rows.map((r) => ({ ruleCode: r.rule_code, regionCode: r.region_code, params: r.params, validFrom: r.valid_from }));
}

/**
 * Recompute every red flag of a region subtree for one year: load the facts (that year and the one
 * before, for the 365-day look-backs), evaluate the pure rules with the thresholds in force for the
 * region (a version, plus its overrides), and store the year's findings — idempotently: the same
 * inputs give the same rows, and flags no longer produced are removed.
 */
export async function recomputeFlags(
  db: { pool: pg.Pool; schema: string },
  opts: { regionCode: string; year: number; version?: string | null; asOf?: Date },
): Promise<Recomputation> {
  const started = performance.now();
  const asOf = opts.asOf ?? new Date();
  const thresholds = resolveThresholds(procurementThresholds, {
    regionCode: opts.regionCode,
    version: opts.version ?? undefined,
    overrides: await loadOverrides(db.pool, db.schema),
    asOf,
  });
  const regionPrefix = subtreePrefix(opts.regionCode);
  const facts = await loadFacts(db.pool, db.schema, {
    regionPrefix,
    months: [...yearMonths(opts.year - 1), ...yearMonths(opts.year)],
    asOf,
  });
  const year = `${opts.year}-`;
  const rows = evaluateAll(facts, thresholds).filter((r) => r.month.startsWith(year));
  const counts = await replaceFindings(
    db.pool,
    db.schema,
    { regionPrefix, months: yearMonths(opts.year), codes: procurementRules.map((r) => r.code) },
    rows,
  );
  return {
    regionCode: opts.regionCode,
    year: opts.year,
    version: opts.version ?? procurementThresholds.defaultVersion,
    flags: counts.total,
    inserted: counts.inserted,
    updated: counts.updated,
    removed: counts.removed,
    milliseconds: Math.round(performance.now() - started),
  };
}

/** The mutation: a supervisor or machine client recomputes within their own region (by default all of it). */
export async function recomputeForCaller(ctx: Context, args: { regionCode?: string | null; year: number; version?: string | null }) {
  const scope = ctx.access.scope;
  if (scope.kind !== 'region') throw appError('FORBIDDEN', 'Only a region-scoped caller can recompute flags', { field: 'regionCode' });
  const code = args.regionCode ?? scope.regionCode;
  const region = assertValid('regionCode', validateRegionCode(code));
  if (!regionInScope(scope, region)) throw appError('FORBIDDEN', `Region ${region} is outside your scope`, { field: 'regionCode' });
  if (!Number.isInteger(args.year) || args.year < 1990 || args.year > 2100) throw badInput('year', 'year must be between 1990 and 2100');
  return recomputeFlags(ctx.db, { regionCode: region, year: args.year, version: args.version });
}
