/**
 * Validation of the fields of an OCDS 1.1.5 release the hub uses (not the whole schema): types and
 * formats as release-schema.json declares them, codes from the codelists in data/ocds, and our code
 * formats — the 统一社会信用代码 (GB 32100) of an organisation identified with scheme `CN-USCC`.
 *
 * Decision: the codelists the schema leaves open (releaseTag, partyRole, awardCriteria) are closed here:
 * the hub's rules interpret these codes, so an unknown one is refused ('CODELIST') rather than ignored.
 * The first problem found is reported, with its field path (`tender.procurementMethod`, `awards[0].status`).
 */
import type { FeedError } from '#platform/feed/types.js';
import { validateUscc } from '#platform/validation/uscc.js';
import { ocdsReference, type CodelistName } from './codelists.js';
import { copyJson, isObject, type JsonObject } from './compile.js';
import { checkValue, currencyRates, type CurrencyRates } from './value.js';

/** `changed`: a USCC was normalised or an amount converted — the release is no longer its source text. */
export type ValidatedRelease = { ok: true; release: JsonObject; changed: boolean } | { ok: false; error: FeedError };

/** RFC 3339 date-time (the schema's `format: date-time`), with a time zone. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/** A real calendar day (Date.parse rolls 2025-02-30 over into March). */
const isCalendarDay = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
export const USCC_SCHEME = 'CN-USCC';
const MAX_ID = 128;

type Check = FeedError | undefined;
const err = (code: string, field: string, message: string): FeedError => ({ code, field, message: `${field}: ${message}` });
const first = (checks: Iterable<Check>): Check => {
  for (const c of checks) if (c) return c;
  return undefined;
};

function id(value: unknown, field: string, required = true): Check {
  if (value === undefined || value === null) return required ? err('REQUIRED', field, 'is required') : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return err('TYPE', field, 'must be a string');
  const text = String(value);
  if (text.trim() === '' || text.length > MAX_ID) return err('FORMAT', field, `must be 1–${MAX_ID} characters`);
  return undefined;
}

export function dateTime(value: unknown, field: string, required = false): Check {
  if (value === undefined || value === null) return required ? err('REQUIRED', field, 'is required') : undefined;
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!m || !isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return err('DATE', field, 'must be an RFC 3339 date-time with a time zone, e.g. 2025-03-01T09:00:00+08:00');
  }
  return undefined;
}

function code(value: unknown, field: string, list: CodelistName): Check {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return err('TYPE', field, 'must be a string');
  if (!ocdsReference().codelists.get(list)?.has(value)) return err('CODELIST', field, `'${value}' is not in the OCDS ${list} codelist`);
  return undefined;
}

function codes(value: unknown, field: string, list: CodelistName, required = false): Check {
  if (value === undefined || value === null) return required ? err('REQUIRED', field, 'is required') : undefined;
  if (!Array.isArray(value) || (required && value.length === 0)) return err('TYPE', field, 'must be a non-empty array of codes');
  return first(value.map((v, i) => code(v, `${field}[${i}]`, list)));
}

function objects(value: unknown, field: string): JsonObject[] | FeedError {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) return err('TYPE', field, 'must be an array of objects');
  return value;
}

/** What validation changes in place (USCCs normalised, amounts converted), and whether it did. */
interface Edits {
  rates: CurrencyRates;
  changed: boolean;
}

/** USCC of an organisation (party, buyer) that names the CN-USCC scheme; normalised in place. */
function organisationIdentifier(org: JsonObject, field: string, edits: Edits): Check {
  const identifier = org['identifier'];
  if (!isObject(identifier) || identifier['scheme'] !== USCC_SCHEME) return undefined;
  const result = validateUscc(typeof identifier['id'] === 'string' ? identifier['id'] : '');
  if (!result.ok) return err('USCC', `${field}.identifier.id`, result.reason);
  if (identifier['id'] !== result.value) {
    identifier['id'] = result.value;
    edits.changed = true;
  }
  return undefined;
}

/** A Value checked, and converted to CNY in place (value.ts). */
function money(value: unknown, field: string, edits: Edits): Check {
  const before = isObject(value) ? value['currency'] : undefined;
  const error = checkValue(value, field, edits.rates);
  if (isObject(value) && value['currency'] !== before) edits.changed = true;
  return error;
}

function tender(t: unknown, edits: Edits): Check {
  if (t === undefined || t === null) return undefined;
  if (!isObject(t)) return err('TYPE', 'tender', 'must be an object');
  const period = (name: string): JsonObject => {
    const p = t[name];
    return isObject(p) ? p : {};
  };
  const lots = objects(t['lots'], 'tender.lots');
  if (!Array.isArray(lots)) return lots;
  return first([
    code(t['procurementMethod'], 'tender.procurementMethod', 'procurementMethod'),
    code(t['status'], 'tender.status', 'tenderStatus'),
    code(t['mainProcurementCategory'], 'tender.mainProcurementCategory', 'procurementCategory'),
    code(t['awardCriteria'], 'tender.awardCriteria', 'awardCriteria'),
    money(t['value'], 'tender.value', edits),
    dateTime(period('tenderPeriod')['startDate'], 'tender.tenderPeriod.startDate'),
    dateTime(period('tenderPeriod')['endDate'], 'tender.tenderPeriod.endDate'),
    dateTime(period('awardPeriod')['startDate'], 'tender.awardPeriod.startDate'),
    dateTime(period('bidOpening')['date'], 'tender.bidOpening.date'),
    t['numberOfTenderers'] !== undefined && !(Number.isInteger(t['numberOfTenderers']) && Number(t['numberOfTenderers']) >= 0)
      ? err('TYPE', 'tender.numberOfTenderers', 'must be an integer ≥ 0')
      : undefined,
    ...lots.map((lot, i) => first([id(lot['id'], `tender.lots[${i}].id`), money(lot['value'], `tender.lots[${i}].value`, edits)])),
  ]);
}

function section(release: JsonObject, name: string, each: (o: JsonObject, at: string) => Check): Check {
  const list = objects(release[name], name);
  if (!Array.isArray(list)) return list;
  return first(list.map((o, i) => each(o, `${name}[${i}]`)));
}

function bids(release: JsonObject, edits: Edits): Check {
  const b = release['bids'];
  if (b === undefined || b === null) return undefined;
  if (!isObject(b)) return err('TYPE', 'bids', 'must be an object { details: [...] }');
  return section(b, 'details', (d, at) =>
    first([
      id(d['id'], `bids.${at}.id`),
      code(d['status'], `bids.${at}.status`, 'bidStatus'),
      dateTime(d['date'], `bids.${at}.date`),
      money(d['value'], `bids.${at}.value`, edits),
    ]),
  );
}

/**
 * Validate one release; on success the release returned has its USCCs normalised and foreign amounts
 * converted to CNY (settings.currencyRates). It is a copy, unless `inPlace` (the caller owns `value`, just
 * parsed, and knows it holds no `__proto__` member — copyJson drops those): then `value` itself, changed.
 */
export function validateRelease(
  value: unknown,
  settings: Record<string, unknown> = {},
  opts: { inPlace?: boolean } = {},
): ValidatedRelease {
  if (!isObject(value)) return { ok: false, error: { code: 'TYPE', message: 'a release must be a JSON object' } };
  const release = opts.inPlace ? value : (copyJson(value) as JsonObject);
  const edits: Edits = { rates: currencyRates(settings), changed: false };
  const error = first([
    id(release['ocid'], 'ocid'),
    id(release['id'], 'id'),
    dateTime(release['date'], 'date', true),
    codes(release['tag'], 'tag', 'releaseTag', true),
    isObject(release['buyer']) ? organisationIdentifier(release['buyer'], 'buyer', edits) : undefined,
    section(release, 'parties', (p, at) =>
      first([id(p['id'], `${at}.id`), codes(p['roles'], `${at}.roles`, 'partyRole'), organisationIdentifier(p, at, edits)]),
    ),
    tender(release['tender'], edits),
    bids(release, edits),
    section(release, 'awards', (a, at) =>
      first([
        id(a['id'], `${at}.id`),
        code(a['status'], `${at}.status`, 'awardStatus'),
        dateTime(a['date'], `${at}.date`),
        money(a['value'], `${at}.value`, edits),
      ]),
    ),
    section(release, 'contracts', (c, at) =>
      first([
        id(c['id'], `${at}.id`),
        code(c['status'], `${at}.status`, 'contractStatus'),
        dateTime(c['dateSigned'], `${at}.dateSigned`),
        money(c['value'], `${at}.value`, edits),
      ]),
    ),
  ]);
  return error ? { ok: false, error } : { ok: true, release, changed: edits.changed };
}
