import { procurementRules, procurementThresholds } from '../rules/index.js';

const cell = (text: string) => text.replace(/\|/g, '/').replace(/\s*\n\s*/g, ' ');
const params = (value: unknown) => (value === undefined ? '—' : `\`${JSON.stringify(value)}\``);

/**
 * The README's flags table (between `<!-- BEGIN procurement-flags -->` and its END), from the rules
 * and the threshold table themselves; a unit test keeps the README equal to it.
 */
export function flagsTableMarkdown(): string {
  const rules = procurementThresholds.rules as Record<string, { versions: Record<string, unknown> }>;
  const rows = procurementRules.map((r) => {
    const v = rules[r.code]!.versions;
    return `| ${r.code} | ${cell(r.title)} | ${cell(r.source)} | ${r.severity} | ${params(v['CN-2025.1'])} | ${params(v['CARDINAL-1'])} |`;
  });
  return ['| code | flag | source | severity | CN-2025.1 (default) | CARDINAL-1 |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
