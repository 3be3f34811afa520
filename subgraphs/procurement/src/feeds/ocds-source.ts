/**
 * What one record of an `ocds` source holds, as the release row to store: a release (from a release
 * package's `releases`, or a JSON line), a record (from a record package's `records`, or a JSON line) or
 * a compiled release (tag `compiled`). A record's embedded releases are validated and compiled into one
 * row; a record of linked releases (urls only) uses its `compiledRecord`. Compiled forms are stored
 * under the release id `compiled`, so the next snapshot of the same process replaces them.
 */
import type { FeedError } from '#platform/feed/types.js';
import { compileReleases, idText, isObject, type JsonObject } from '../ocds/compile.js';
import { validateRelease } from '../ocds/validate.js';

export const COMPILED_RELEASE_ID = 'compiled';

/** `text`: the body's JSON text when it is the source's own (a release validated without a change). */
export type SourceRelease = { ok: true; releaseId: string; body: JsonObject; text?: string } | { ok: false; error: FeedError };

const prefixed = (error: FeedError, prefix: string): FeedError => ({
  ...error,
  field: error.field ? `${prefix}.${error.field}` : prefix,
  message: error.field ? `${prefix}.${error.message}` : `${prefix}: ${error.message}`,
});

function compiledRelease(value: JsonObject, settings: Record<string, unknown>, prefix?: string): SourceRelease {
  const body = { ...value, id: value['id'] ?? COMPILED_RELEASE_ID, tag: value['tag'] ?? ['compiled'] };
  const r = validateRelease(body, settings);
  if (!r.ok) return { ok: false, error: prefix ? prefixed(r.error, prefix) : r.error };
  return { ok: true, releaseId: COMPILED_RELEASE_ID, body: r.release };
}

/** Embedded releases carry their ocid and id; linked ones only { url, date, tag }. */
const isEmbedded = (release: unknown) => isObject(release) && 'ocid' in release && 'id' in release;

function record(value: JsonObject, settings: Record<string, unknown>): SourceRelease {
  const releases = Array.isArray(value['releases']) ? value['releases'] : [];
  if (releases.length > 0 && releases.every(isEmbedded)) {
    const checked: JsonObject[] = [];
    for (const [i, release] of releases.entries()) {
      const r = validateRelease(release, settings);
      if (!r.ok) return { ok: false, error: prefixed(r.error, `releases[${i}]`) };
      if (r.release['ocid'] !== value['ocid']) {
        return {
          ok: false,
          error: { code: 'RECORD', field: `releases[${i}].ocid`, message: `releases[${i}].ocid: differs from the record's ocid` },
        };
      }
      checked.push(r.release);
    }
    return { ok: true, releaseId: COMPILED_RELEASE_ID, body: { id: COMPILED_RELEASE_ID, ...compileReleases(checked) } };
  }
  if (isObject(value['compiledRecord'])) return compiledRelease(value['compiledRecord'], settings, 'compiledRecord');
  return {
    ok: false,
    error: { code: 'RECORD', field: 'releases', message: 'releases: a record needs embedded releases or a compiledRecord' },
  };
}

/**
 * The release row a source record stands for, validated (release.ts rules), or why not. `source`: the
 * caller gives up `value` (parsed from `raw` for this call, no `__proto__` member), so a release is
 * validated in place rather than copied, and one that validation left as it was keeps `raw` as its text.
 */
export function sourceRelease(value: unknown, settings: Record<string, unknown>, source?: { raw: string }): SourceRelease {
  if (!isObject(value)) return { ok: false, error: { code: 'TYPE', message: 'an OCDS release or record must be a JSON object' } };
  if (!('tag' in value) && ('releases' in value || 'compiledRecord' in value)) return record(value, settings);
  if (Array.isArray(value['tag']) && value['tag'].includes('compiled')) return compiledRelease(value, settings);
  const r = validateRelease(value, settings, { inPlace: source !== undefined });
  if (!r.ok) return r;
  const text = source && !r.changed ? source.raw : undefined;
  return { ok: true, releaseId: idText(r.release['id']), body: r.release, ...(text === undefined ? {} : { text }) };
}
