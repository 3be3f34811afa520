/**
 * Shared validation of Chinese identifiers for every entry point of the hub (GraphQL mutations,
 * feeds, seed generator), plus masking and deterministic generators for synthetic data.
 *
 * Validators return a {@link Result} and never throw; {@link assertValid} / {@link validateFields}
 * turn failures into the hub's BAD_USER_INPUT error.
 */
import type { GraphQLError } from 'graphql';
import { badInput } from '#common/errors.js';

/** Outcome of a validator: the normalised value, or a human-readable reason (never echoing personal data). */
export type Result = { ok: true; value: string } | { ok: false; reason: string };

/** One failed field as listed in `extensions.fields`. */
export interface FieldError {
  field: string;
  reason: string;
}

/**
 * Return the normalised value, or throw `badInput(field, "<field>: <reason>")`, e.g.
 * `input.code: not a valid 统一社会信用代码 (check digit should be 'X')`.
 */
export function assertValid(field: string, result: Result): string {
  if (!result.ok) throw badInput(field, `${field}: ${result.reason}`);
  return result.value;
}

/**
 * Check several fields at once, collecting every failure. Keys are field paths (`input.code`);
 * on success returns the normalised values under the same keys. On failure throws ONE
 * BAD_USER_INPUT error whose `extensions.field` is the first offending field (in key order) and
 * `extensions.fields` lists every `{ field, reason }`.
 */
export function validateFields<K extends string>(spec: Record<K, Result>): Record<K, string> {
  const values = {} as Record<K, string>;
  const errors: FieldError[] = [];
  for (const field of Object.keys(spec) as K[]) {
    const r = spec[field];
    if (r.ok) values[field] = r.value;
    else errors.push({ field, reason: r.reason });
  }
  const [first] = errors;
  if (first !== undefined) throw fieldsError(first, errors);
  return values;
}

function fieldsError(first: FieldError, errors: FieldError[]): GraphQLError {
  const message =
    errors.length === 1
      ? `${first.field}: ${first.reason}`
      : `${errors.length} invalid fields: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`;
  return badInput(first.field, message, { fields: errors });
}

export { validateUscc, usccCheckChar, orgCodeCheckChar, makeUscc, USCC_CHARSET, USCC_CATEGORIES, NATIONAL_REGION_CODE } from './uscc.js';
export type { UsccParts } from './uscc.js';
export { validateIdCard, idCardCheckChar, makeIdCard, maskIdCard } from './id-card.js';
export type { IdCardOptions, IdCardParts } from './id-card.js';
export {
  validateRegionCode,
  regionLevel,
  parentRegionCode,
  isWithin,
  subtreePrefix,
  cityCodeOf,
  PROVINCE_CODES,
  MUNICIPALITY_CODES,
  PROVINCE_ADMINISTERED_CITY_PART,
} from './region-code.js';
export type { RegionLevel } from './region-code.js';
export { validateProductCode, makeDrugCode, makeConsumableCode, genericGroup, GENERIC_GROUP_LENGTH } from './product-code.js';
export type { ProductKind, ProductCodeResult, WesternDrugCodeParts, PatentDrugCodeParts, ConsumableCodeParts } from './product-code.js';
export { validatePhone, maskPhone, maskName, COMPOUND_SURNAMES } from './phone.js';
