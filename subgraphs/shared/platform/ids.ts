import { badInput } from '#common/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** Ids typed `uuid` in PostgreSQL: a malformed one is the caller's error, not a database error. */
export function assertUuid(field: string, value: string): string {
  if (!isUuid(value)) throw badInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}

/** For batched look-ups: keys that cannot exist are dropped before they reach SQL (they resolve to null). */
export const onlyUuids = (ids: readonly string[]): string[] => ids.filter(isUuid).map((id) => id.toLowerCase());
