import { SUBGRAPH_NAME } from '#platform/paths.js';

/** The names a scaffolded subgraph `procurement` is written with: ProcurementRecord, procurementRecords, … */
export interface ScaffoldNames {
  /** The subgraph: folder, PostgreSQL schema, role prefix (`procurement`). */
  name: string;
  /** Its environment prefix (`PROCUREMENT`). */
  upper: string;
  /** The one entity it starts with (`ProcurementRecord`). */
  Entity: string;
  /** Its field names (`procurementRecord`, `procurementRecords`). */
  entity: string;
  entities: string;
}

const pascal = (name: string) =>
  name
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

export function scaffoldNames(name: string): ScaffoldNames {
  if (!SUBGRAPH_NAME.test(name))
    throw new Error(`A subgraph name is lower case letters, digits and _ (${SUBGRAPH_NAME}); got ${JSON.stringify(name)}`);
  const Entity = `${pascal(name)}Record`;
  const entity = Entity[0]!.toLowerCase() + Entity.slice(1);
  return { name, upper: name.toUpperCase(), Entity, entity, entities: `${entity}s` };
}
