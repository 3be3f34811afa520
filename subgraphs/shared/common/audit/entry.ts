/**
 * One audit record (等保2.0 level 3 安全审计, docs/security.md, "Compliance"): who did what, from where,
 * to which objects, with which outcome. Written by the gateway for every request and by
 * subgraphs for their feed runs, chained by hash (chain.ts) and stored append-only (writer.ts).
 */
export interface AuditEntry {
  time: Date;
  /** 'gateway' | a subgraph's name | 'feed:<name>' | 'audit' (the log's own maintenance). */
  source: string;
  requestId: string | null;
  /** `sub` of the token. */
  subject: string | null;
  /** `azp` — the client the token was issued to. */
  clientId: string | null;
  roles: string[];
  ip: string | null;
  operationType: AuditOperationType | null;
  operationName: string | null;
  /** sha256 hex of the GraphQL document. */
  operationHash: string | null;
  /** Hospital codes (统一社会信用代码) touched. */
  hospitals: string[];
  /** Records returned or written. */
  records: number;
  outcome: AuditOutcome;
  /** HTTP status. */
  status: number | null;
  errorCodes: string[];
  durationMs: number;
  unmaskReason: string | null;
  /** Fields returned in clear text, as coordinates, e.g. "Staff.phone". */
  unmaskedFields: string[];
  detail: Record<string, unknown> | null;
}

export const auditOperationTypes = ['query', 'mutation', 'subscription', 'feed', 'maintenance'] as const;
export type AuditOperationType = (typeof auditOperationTypes)[number];
export const auditOutcomes = ['ok', 'error', 'refused'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/** An entry as stored: what normalizeEntry returns, hashed and inserted as is. */
export type StoredAuditEntry = AuditEntry;

// PostgreSQL text refuses NUL; a lone surrogate would be stored as U+FFFD and then hash differently.
const NUL = new RegExp(String.fromCharCode(0), 'g');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAX_TEXT = 4_000;
/** Deeper detail (or a cycle) is cut off rather than failing the entry. */
const MAX_DEPTH = 16;

const text = (value: unknown): string => String(value).replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD').slice(0, MAX_TEXT);
const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : text(value));
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v) => v !== null && v !== undefined).map(text) : []);
const count = (value: unknown): number => {
  const n = Math.round(Number(value));
  return Number.isFinite(n) && n > 0 ? Math.min(n, 2_147_483_647) : 0;
};

/** JSON data only (what jsonb stores and gives back), strings cleaned like every other text. */
function jsonData(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : jsonData(v, depth + 1)));
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return jsonData(json.call(value), depth + 1);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      out[text(k)] = typeof v === 'bigint' ? v.toString() : jsonData(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return null;
}

/**
 * The entry exactly as it will be stored and read back: times to the millisecond, counts as
 * non-negative integers, texts without NUL, detail as plain JSON. Hashing the normalised entry
 * is what lets verification recompute the same hash from the row. Never throws.
 */
export function normalizeEntry(entry: AuditEntry): StoredAuditEntry {
  const time = entry.time instanceof Date && !Number.isNaN(entry.time.getTime()) ? new Date(entry.time.getTime()) : new Date();
  const operationType = (auditOperationTypes as readonly string[]).includes(entry.operationType as string) ? entry.operationType : null;
  const outcome = (auditOutcomes as readonly string[]).includes(entry.outcome) ? entry.outcome : 'error';
  const status = Number.isInteger(entry.status) && Math.abs(entry.status as number) < 2 ** 31 ? (entry.status as number) : null;
  let detail: unknown;
  try {
    detail = entry.detail === null || entry.detail === undefined || typeof entry.detail !== 'object' ? null : jsonData(entry.detail);
  } catch {
    detail = { unserializable: true }; // a throwing toJSON must not cost the entry
  }
  return {
    time,
    source: text(entry.source ?? ''),
    requestId: textOrNull(entry.requestId),
    subject: textOrNull(entry.subject),
    clientId: textOrNull(entry.clientId),
    roles: texts(entry.roles),
    ip: textOrNull(entry.ip),
    operationType,
    operationName: textOrNull(entry.operationName),
    operationHash: textOrNull(entry.operationHash),
    hospitals: texts(entry.hospitals),
    records: count(entry.records),
    outcome,
    status,
    errorCodes: texts(entry.errorCodes),
    durationMs: count(entry.durationMs),
    unmaskReason: textOrNull(entry.unmaskReason),
    unmaskedFields: texts(entry.unmaskedFields),
    detail:
      detail === null || typeof detail !== 'object'
        ? null
        : Array.isArray(detail)
          ? { value: detail }
          : (detail as Record<string, unknown>),
  };
}

/**
 * An entry's recorded fields, in the one order both the hash chain (chain.ts) and the stored row
 * (store.ts) use them — between the entry's time and its detail.
 */
export const recordedFields = (e: StoredAuditEntry) =>
  [
    e.source,
    e.requestId,
    e.subject,
    e.clientId,
    e.roles,
    e.ip,
    e.operationType,
    e.operationName,
    e.operationHash,
    e.hospitals,
    e.records,
    e.outcome,
    e.status,
    e.errorCodes,
    e.durationMs,
    e.unmaskReason,
    e.unmaskedFields,
  ] as const;
