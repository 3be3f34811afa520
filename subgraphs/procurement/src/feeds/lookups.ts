/**
 * Directory look-ups of a feed batch through federation (FeedRunContext.peers): one `_entities` call
 * per typename per batch, whatever the number of records, with the keys deduplicated.
 */
import type { PeerLookup } from '#platform/feed/types.js';

/** Supplier fields wanted. `registeredOn` (成立日期) is in the directory since f2ef5a7; set to `'uscc'` to run against an older directory. */
export const SUPPLIER_SELECTION = 'uscc registeredOn';
export const HOSPITAL_SELECTION = 'code region { code }';
export const STAFF_SELECTION = 'id hospital { code }';
export const PRODUCT_SELECTION = 'code kind supplier { uscc }';

export type Entity = Record<string, unknown>;

/** Entities of `typename` by one key field, as a map from key value to entity (missing keys absent). */
export async function lookupByKey(
  peers: PeerLookup,
  typename: string,
  keyField: string,
  values: Iterable<string>,
  selection: string,
): Promise<Map<string, Entity>> {
  const keys = [...new Set(values)];
  const found = new Map<string, Entity>();
  if (keys.length === 0) return found;
  const entities = await peers.entities(
    'directory',
    typename,
    keys.map((k) => ({ [keyField]: k })),
    selection,
  );
  keys.forEach((key, i) => {
    const entity = entities[i];
    if (entity) found.set(key, entity);
  });
  return found;
}

const nested = (entity: Entity | undefined, field: string, key: string): string | null => {
  const inner = entity?.[field];
  const value = typeof inner === 'object' && inner !== null ? (inner as Entity)[key] : undefined;
  return typeof value === 'string' ? value : null;
};

/** A hospital's region code (`region { code }`), or null. */
export const regionOf = (hospital: Entity | undefined) => nested(hospital, 'region', 'code');

/** A product's supplier USCC (`supplier { uscc }`), or null. */
export const supplierOf = (product: Entity | undefined) => nested(product, 'supplier', 'uscc');

/** A supplier's registration date YYYY-MM-DD, or null when unknown (or not selected). */
export function registeredOn(supplier: Entity | undefined): string | null {
  const value = supplier?.['registeredOn'];
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}
