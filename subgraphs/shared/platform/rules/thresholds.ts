/**
 * Versioned rule thresholds as data (DESIGN.md §7 "Findings"): a domain declares, per rule, a zod schema
 * of its parameters and one parameter set per threshold version (e.g. the national defaults 'CN-2025.1'
 * and Cardinal's own defaults 'CARDINAL-1', so results can be checked against Cardinal's on the same
 * data). A region may override some parameters from a date on; every finding records the version used.
 */
import { z } from 'zod';
import { badInput } from '#common/errors.js';
import { subtreePrefix } from '../validation/index.js';

export interface RuleThresholds<S extends z.ZodObject = z.ZodObject> {
  params: S;
  versions: Record<string, z.infer<S>>;
}

export type RuleTable = Record<string, RuleThresholds>;

export interface ThresholdTable<R extends RuleTable = RuleTable> {
  rules: R;
  defaultVersion: string;
}

/** A region's override of some of a rule's parameters (a row kept by the domain), in force from `validFrom`. */
export interface Override {
  ruleCode: string;
  /** GB/T 2260 code: `PP0000` a province, `PPCC00` a city, `PPCCDD` a district; `000000` the whole country. */
  regionCode: string;
  params: Record<string, unknown>;
  validFrom: Date;
}

export interface ResolvedRule<P = Record<string, unknown>> {
  /** The base version, plus `+<regionCode>` when a region override applied (e.g. 'CN-2025.1+330500'). */
  version: string;
  params: P;
}

export type ResolvedThresholds<R extends RuleTable = RuleTable> = { [K in keyof R]: ResolvedRule<z.infer<R[K]['params']>> };

export interface ResolveOptions {
  /** The region the rules run for (a hospital's region code). */
  regionCode: string;
  /** A version of the table; the default version when absent. A rule without it uses the default version. */
  version?: string;
  overrides?: readonly Override[];
  /** Overrides with `validFrom` after this instant are not yet in force (default: now). */
  asOf?: Date;
}

/** Checks every version of every rule against its schema once, at module load: a bad table is a programming error. */
export function defineThresholds<R extends RuleTable>(table: ThresholdTable<R>): ThresholdTable<R> {
  for (const [code, rule] of Object.entries(table.rules)) {
    if (!(table.defaultVersion in rule.versions)) throw new Error(`thresholds: ${code} has no default version ${table.defaultVersion}`);
    for (const [version, params] of Object.entries(rule.versions)) {
      const parsed = rule.params.strict().safeParse(params);
      if (!parsed.success) throw new Error(`thresholds: ${code} ${version}: ${describe(parsed.error)}`);
    }
  }
  return table;
}

/**
 * Each rule's parameters for a region: the chosen version, then the override of the most specific region
 * prefix in force (district > city > province > country; among equals the latest `validFrom`) replaces the
 * fields it names. Overrides refine the default (national) version only: a run under another version
 * (e.g. 'CARDINAL-1') reproduces that version as published. A bad override is BAD_USER_INPUT naming the
 * rule and the field.
 */
export function resolveThresholds<R extends RuleTable>(table: ThresholdTable<R>, options: ResolveOptions): ResolvedThresholds<R> {
  const version = options.version ?? table.defaultVersion;
  if (!Object.values(table.rules).some((rule) => version in rule.versions)) {
    throw badInput('version', `unknown threshold version ${version}`, { version });
  }
  const overrides = options.overrides ?? [];
  overrides.forEach((o, i) => checkOverride(table, o, i));
  const asOf = options.asOf ?? new Date();
  const resolved: Record<string, ResolvedRule> = {};
  for (const [code, rule] of Object.entries(table.rules)) {
    const base = version in rule.versions ? version : table.defaultVersion;
    const params = rule.versions[base]!;
    const override = base === table.defaultVersion ? winningOverride(overrides, code, options.regionCode, asOf) : undefined;
    if (override === undefined) {
      resolved[code] = { version: base, params };
      continue;
    }
    const merged = rule.params.strict().safeParse({ ...params, ...override.params });
    if (!merged.success) {
      const issue = merged.error.issues[0]!;
      const field = issue.path.length > 0 ? issue.path.join('.') : (unknownKey(issue) ?? '(params)');
      throw badInput(
        `overrides.${code}.params.${field}`,
        `threshold override ${code} for ${override.regionCode}: ${field}: ${issue.message}`,
        {
          ruleCode: code,
          regionCode: override.regionCode,
        },
      );
    }
    resolved[code] = { version: `${base}+${override.regionCode}`, params: merged.data };
  }
  return resolved as ResolvedThresholds<R>;
}

function checkOverride(table: ThresholdTable, override: Override, index: number): void {
  if (!(override.ruleCode in table.rules)) {
    throw badInput(`overrides[${index}].ruleCode`, `threshold override for unknown rule ${override.ruleCode}`, {
      ruleCode: override.ruleCode,
    });
  }
  if (!/^\d{6}$/.test(override.regionCode)) {
    throw badInput(`overrides[${index}].regionCode`, `threshold override ${override.ruleCode}: region code must be six digits`, {
      ruleCode: override.ruleCode,
    });
  }
  if (!(override.validFrom instanceof Date) || Number.isNaN(override.validFrom.getTime())) {
    throw badInput(`overrides[${index}].validFrom`, `threshold override ${override.ruleCode}: validFrom must be a date`, {
      ruleCode: override.ruleCode,
    });
  }
}

/** The prefix a region code stands for: 330000 → '33', 330500 → '3305', 330502 → '330502', 000000 → ''. */
export function regionPrefix(regionCode: string): string {
  // The whole country, else the region's subtree exactly as row scope reads it.
  return regionCode === '000000' ? '' : subtreePrefix(regionCode);
}

function winningOverride(overrides: readonly Override[], code: string, regionCode: string, asOf: Date): Override | undefined {
  let best: Override | undefined;
  let bestLength = -1;
  for (const o of overrides) {
    const prefix = regionPrefix(o.regionCode);
    if (o.ruleCode !== code || o.validFrom > asOf || !regionCode.startsWith(prefix)) continue;
    if (prefix.length > bestLength || (prefix.length === bestLength && o.validFrom > best!.validFrom)) {
      best = o;
      bestLength = prefix.length;
    }
  }
  return best;
}

const unknownKey = (issue: z.core.$ZodIssue): string | undefined => (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : undefined);

const describe = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
