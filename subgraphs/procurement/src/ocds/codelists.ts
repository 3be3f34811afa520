/**
 * The OCDS 1.1.5 codelists and merge rules the hub validates and compiles with, loaded once at
 * start-up from data/ocds (a copy of open-contracting/standard 1.1.5, Apache 2.0 — data/ocds/README.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { subgraphPaths } from '#platform/paths.js';

const DATA_DIR = path.join(subgraphPaths('procurement').folder, 'data', 'ocds');

/** The fields whose values must come from a codelist, with the codelist file. */
export const CODELIST_FILES = {
  procurementMethod: 'method.csv',
  tenderStatus: 'tenderStatus.csv',
  awardStatus: 'awardStatus.csv',
  contractStatus: 'contractStatus.csv',
  partyRole: 'partyRole.csv',
  procurementCategory: 'procurementCategory.csv',
  awardCriteria: 'awardCriteria.csv',
  releaseTag: 'releaseTag.csv',
} as const;

export type CodelistName = keyof typeof CODELIST_FILES | 'bidStatus';

/** OCDS bids extension (v1.1.5) bidStatus codelist: not in the core standard's files. */
const BID_STATUS = ['invited', 'pending', 'valid', 'disqualified', 'withdrawn'];

/** The `Code` column of a codelist CSV (codes are plain identifiers: no quotes, no commas). */
export function parseCodelist(csv: string): string[] {
  const [header, ...lines] = csv.split(/\r?\n/);
  if (!header?.startsWith('Code,')) throw new Error('OCDS codelist: the first column must be Code');
  return lines.map((line) => line.slice(0, line.indexOf(',') === -1 ? line.length : line.indexOf(','))).filter((c) => c !== '');
}

export interface OcdsReference {
  codelists: ReadonlyMap<CodelistName, ReadonlySet<string>>;
  /** Release-level fields the schema marks `omitWhenMerged` (e.g. id, date, tag): not carried into a compiled record. */
  omitWhenMerged: ReadonlySet<string>;
  /** Dotted paths (arrays as their field name, e.g. `tender.additionalProcurementCategories`) merged as a whole list. */
  wholeListMerge: ReadonlySet<string>;
}

type SchemaNode = { [key: string]: unknown };

/** Walks the schema from the release's properties through $refs, collecting the merge flags by field path. */
function mergeFlags(schema: SchemaNode): { omit: Set<string>; whole: Set<string> } {
  const definitions = (schema['definitions'] ?? {}) as Record<string, SchemaNode>;
  const omit = new Set<string>();
  const whole = new Set<string>();
  const visit = (props: Record<string, SchemaNode>, prefix: string, seen: Set<string>) => {
    for (const [name, node] of Object.entries(props)) {
      const at = prefix ? `${prefix}.${name}` : name;
      if (node['omitWhenMerged'] === true) omit.add(at);
      if (node['wholeListMerge'] === true) whole.add(at);
      const target = (node['items'] as SchemaNode | undefined) ?? node;
      const ref = typeof target['$ref'] === 'string' ? target['$ref'].replace('#/definitions/', '') : undefined;
      const child = ref ? definitions[ref] : target;
      const childProps = child?.['properties'] as Record<string, SchemaNode> | undefined;
      if (childProps && !(ref && seen.has(ref))) visit(childProps, at, ref ? new Set([...seen, ref]) : seen);
    }
  };
  visit(schema['properties'] as Record<string, SchemaNode>, '', new Set());
  return { omit, whole };
}

let loaded: OcdsReference | undefined;

/** The codelists and merge flags, read from data/ocds on first use. */
export function ocdsReference(): OcdsReference {
  if (loaded) return loaded;
  const read = (file: string) => readFileSync(path.join(DATA_DIR, file), 'utf8');
  const codelists = new Map<CodelistName, ReadonlySet<string>>([['bidStatus', new Set(BID_STATUS)]]);
  for (const [name, file] of Object.entries(CODELIST_FILES)) codelists.set(name as CodelistName, new Set(parseCodelist(read(file))));
  const { omit, whole } = mergeFlags(JSON.parse(read('release-schema.json')) as SchemaNode);
  loaded = { codelists, omitWhenMerged: omit, wholeListMerge: whole };
  return loaded;
}
