/**
 * Compiling OCDS releases into a record (OCDS 1.1 "Merging",
 * https://standard.open-contracting.org/1.1/en/schema/merging/): releases are applied in `date` order,
 * the later release's value wins per field, objects merge recursively, arrays of objects that all carry
 * an `id` merge by id (same id merged, new ids appended in order of appearance), any other array — and
 * every field the schema marks `wholeListMerge` — is replaced whole, and a `null` removes the field.
 * Fields marked `omitWhenMerged` (id, date, tag, publisher, links) are not carried over; the compiled
 * record has `date` = the latest release's date and `tag: ['compiled']`.
 *
 * Decisions: releases with the same `id` count once (the last one given wins, so a re-fed duplicate
 * changes nothing); equal dates are ordered by release id, so the result never depends on arrival order;
 * an empty array replaces the list (there is no id to merge by).
 */
import { ocdsReference, type OcdsReference } from './codelists.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An id or date as text (ids may be numbers in the wild). */
export const idText = (v: Json | undefined): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

const hasId = (v: Json): v is JsonObject => isObject(v) && (typeof v['id'] === 'string' || typeof v['id'] === 'number');

/**
 * A deep copy of parsed JSON (several times faster than structuredClone). `__proto__` members are
 * dropped: JSON.parse makes them own properties, and assigning one would replace an object's prototype.
 */
export function copyJson(value: Json): Json {
  if (Array.isArray(value)) return value.map(copyJson);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) if (key !== '__proto__') out[key] = copyJson(value[key]!);
  return out;
}

/** Releases in merge order: one per release id (the last given), by date, then by id. */
export function mergeOrder(releases: readonly JsonObject[]): JsonObject[] {
  const byId = new Map<string, JsonObject>();
  for (const r of releases) byId.set(idText(r['id']), r);
  const time = (r: JsonObject) => Date.parse(idText(r['date']));
  return [...byId.values()].sort((a, b) => time(a) - time(b) || idText(a['id']).localeCompare(idText(b['id'])));
}

/**
 * The compiled record of one contracting process (all releases share its `ocid`). Read-only: for a
 * process of one release that merging would not change (plainRelease), the record shares the release's
 * members instead of copying them.
 */
export function compileReleases(releases: readonly JsonObject[], ref: OcdsReference = ocdsReference()): JsonObject {
  const ordered = mergeOrder(releases);
  if (ordered.length === 1 && plainRelease(ordered[0]!, ref)) {
    const release = ordered[0]!;
    const compiled: JsonObject = {};
    for (const key of Object.keys(release)) if (!ref.omitWhenMerged.has(key)) compiled[key] = release[key]!;
    compiled['date'] = release['date'] ?? null;
    compiled['tag'] = ['compiled'];
    return compiled;
  }
  return mergeReleases(ordered, ref);
}

/** The merge itself, over releases already in merge order: always a fresh record (compileReleases' slow path). */
export function mergeReleases(ordered: readonly JsonObject[], ref: OcdsReference = ocdsReference()): JsonObject {
  const compiled: JsonObject = {};
  for (const release of ordered) {
    const fields: JsonObject = {};
    for (const [k, v] of Object.entries(release)) if (!ref.omitWhenMerged.has(k)) fields[k] = v;
    mergeObject(compiled, fields, '', ref);
  }
  const last = ordered.at(-1);
  if (last) {
    compiled['date'] = last['date'] ?? null;
    compiled['tag'] = ['compiled'];
  }
  return compiled;
}

/**
 * Whether merging one release into nothing gives the release itself: no member is null (a null removes
 * it), none is `__proto__` (dropped), and no array merged by id repeats an id (those would be merged).
 * The most common case by far — a bulk load's processes of one release — then costs a walk, not a copy.
 */
export function plainRelease(release: JsonObject, ref: OcdsReference): boolean {
  return plainObject(release, '', ref);
}

function plainObject(value: JsonObject, path: string, ref: OcdsReference): boolean {
  for (const key of Object.keys(value)) {
    const member = value[key]!;
    if (member === null || key === '__proto__') return false;
    if (typeof member !== 'object') continue;
    const at = path ? `${path}.${key}` : key;
    if (Array.isArray(member) ? !plainArray(member, at, ref) : !plainObject(member, at, ref)) return false;
  }
  return true;
}

function plainArray(value: Json[], path: string, ref: OcdsReference): boolean {
  const byId = value.length > 0 && value.every(hasId) && !ref.wholeListMerge.has(path);
  const ids = byId ? new Set<string>() : null;
  for (const item of value) {
    if (ids) {
      const id = idText((item as JsonObject)['id']);
      if (ids.has(id)) return false;
      ids.add(id);
    }
    // elements of a list replaced whole are cloned, which drops null members of its objects (clone)
    if (Array.isArray(item) ? !plainArray(item, path, ref) : isObject(item) && !plainObject(item, path, ref)) return false;
  }
  return true;
}

function mergeObject(target: JsonObject, source: JsonObject, path: string, ref: OcdsReference): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__') continue; // see copyJson
    const at = path ? `${path}.${key}` : key;
    if (value === null) {
      delete target[key];
    } else if (isObject(value)) {
      const current = target[key];
      const into = isObject(current) ? current : {};
      mergeObject(into, value, at, ref);
      target[key] = into;
    } else if (Array.isArray(value)) {
      target[key] = mergeArray(target[key], value, at, ref);
    } else {
      target[key] = value;
    }
  }
}

function mergeArray(current: Json | undefined, value: Json[], path: string, ref: OcdsReference): Json[] {
  const byId = value.length > 0 && value.every(hasId) && !ref.wholeListMerge.has(path);
  if (!byId) return value.map(clone);
  const result: JsonObject[] = Array.isArray(current) && current.every(hasId) ? [...current] : [];
  for (const item of value.filter(hasId)) {
    const at = result.findIndex((existing) => idText(existing['id']) === idText(item['id']));
    const into = at === -1 ? {} : { ...result[at] };
    mergeObject(into, item, path, ref);
    if (at === -1) result.push(into);
    else result[at] = into;
  }
  return result;
}

/** A deep copy, with `null` members of objects dropped (a null removes a field in a compiled record). */
function clone(value: Json): Json {
  if (Array.isArray(value)) return value.map(clone);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && k !== '__proto__') out[k] = clone(v);
  return out;
}
