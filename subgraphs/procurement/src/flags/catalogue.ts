import { badInput } from '#common/errors.js';
import { procurementRules } from '../rules/index.js';
import { procurementThresholds } from '../rules/thresholds.js';

const titles = new Map(procurementRules.map((r) => [r.code, r.title]));

/** The rules with their thresholds in a version (default: the national one) — `procurementRules` and the README's table. */
export function ruleCatalogue(version: string | null) {
  const chosen = version ?? procurementThresholds.defaultVersion;
  const rules = procurementThresholds.rules as Record<string, { versions: Record<string, unknown> }>;
  if (!Object.values(rules).some((r) => chosen in r.versions)) throw badInput('version', `unknown threshold version ${chosen}`);
  return procurementRules.map((rule) => {
    const versions = rules[rule.code]?.versions ?? {};
    const used = chosen in versions ? chosen : procurementThresholds.defaultVersion;
    return {
      code: rule.code,
      title: rule.title,
      source: rule.source,
      severity: rule.severity,
      version: used,
      thresholds: versions[used] ?? {},
    };
  });
}

export const ruleTitle = (code: string): string => titles.get(code) ?? code;
