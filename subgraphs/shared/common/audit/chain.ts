import { createHash, getHashes } from 'node:crypto';
import { normalizeEntry, recordedFields, type AuditEntry, type StoredAuditEntry } from './entry.js';

/**
 * The hash chain of the audit log. Row n stores hash_n = H(canonical(alg, seq_n, hash_{n-1}, entry_n)),
 * so altering a row breaks its hash and removing one breaks the next row's link. Each row names
 * its algorithm, so changing AUDIT_HASH later keeps every older row verifiable.
 *
 * Default SM3 (GB/T 32905, 国密): GB/T 39786-2021 (密评) asks for SM-series algorithms to protect
 * the integrity of important data such as audit records, and Node's OpenSSL computes it about as
 * fast as SHA-256 (docs/security.md, "Compliance": 国密). SHA-256 stays available for sites whose auditors ask for it.
 */
export const auditHashAlgorithms = ['sm3', 'sha256'] as const;
export type AuditHashAlgorithm = (typeof auditHashAlgorithms)[number];
export const DEFAULT_AUDIT_HASH: AuditHashAlgorithm = 'sm3';

/** prev hash of the first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag at the head of the canonical form: a new field means a new tag, old rows keep theirs. */
export const CANONICAL_FORMAT = 'ih-audit/1';

export const isAuditHashAlgorithm = (value: unknown): value is AuditHashAlgorithm =>
  (auditHashAlgorithms as readonly unknown[]).includes(value);

/** Whether this Node's OpenSSL computes `alg` (SM3 needs OpenSSL ≥ 1.1.1 without FIPS-only mode). */
export const hashAvailable = (alg: AuditHashAlgorithm): boolean => getHashes().includes(alg);

/** JSON with object keys sorted (code-unit order) at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * The exact text that is hashed: a JSON array in a fixed order (no key-order ambiguity), after
 * normalisation (entry.ts) so that an entry and the row it became serialise identically.
 */
export function canonicalEntry(alg: AuditHashAlgorithm, prevHash: string, seq: number | bigint, entry: AuditEntry): string {
  return canonicalStored(alg, prevHash, seq, normalizeEntry(entry));
}

/** canonicalEntry of an entry already normalised (normalizeEntry's result, as stored). */
function canonicalStored(alg: AuditHashAlgorithm, prevHash: string, seq: number | bigint, e: StoredAuditEntry): string {
  return canonicalJson([CANONICAL_FORMAT, alg, String(seq), prevHash, e.time.toISOString(), ...recordedFields(e), e.detail]);
}

/** Lower-case hex digest (64 characters for both algorithms). */
export function hashEntry(alg: AuditHashAlgorithm, prevHash: string, seq: number | bigint, entry: AuditEntry): string {
  return hashStoredEntry(alg, prevHash, seq, normalizeEntry(entry));
}

/** hashEntry of an entry already normalised: the writer's path, which normalises once. */
export function hashStoredEntry(alg: AuditHashAlgorithm, prevHash: string, seq: number | bigint, entry: StoredAuditEntry): string {
  if (!isAuditHashAlgorithm(alg)) throw new Error(`unknown audit hash algorithm ${JSON.stringify(alg)}`);
  return createHash(alg)
    .update(canonicalStored(alg, prevHash, seq, entry), 'utf8')
    .digest('hex');
}
