import type { IncomingMessage } from 'node:http';
import Keycloak from 'keycloak-connect';
import { identityFromClaims, type Identity, type TokenClaims } from '#common/identity.js';

export interface AuthSettings {
  /** Keycloak's `auth-server-url`, e.g. http://127.0.0.1:4080 (no `/realms/…`). */
  serverUrl: string;
  realm: string;
  /** The hub's client id in the realm (e.g. `integrity-hub`): every token's `aud` must name it. */
  audience: string;
  /** Least time between two JWKS fetches for an unknown `kid` (default 10 s, Keycloak's). */
  minJwksIntervalSeconds?: number;
}

export type VerifyResult =
  | { ok: true; identity: Identity; claims: TokenClaims; token: string }
  /** 401: no / bad / expired token; 403: valid token, not allowed. The reason is logged, never shown. */
  | { ok: false; status: 401 | 403; reason: string };

export interface TokenVerifier {
  /** The `Authorization: Bearer …` header of a request. */
  verifyToken(req: IncomingMessage): Promise<VerifyResult>;
  verifyBearer(token: string | undefined): Promise<VerifyResult>;
}

/** Verified results kept per token string: verification runs on every request. */
const CACHE_SIZE = 10_000;
/** keycloak-connect's JWKS request has no timeout; a hung realm must not hang every unknown-kid request. */
const JWKS_TIMEOUT_MS = 5_000;

const unauthenticated = (reason: string): VerifyResult => ({ ok: false, status: 401, reason });

/** keycloak-connect's internals this module reads (26.1.1 is the adapter's last release). */
interface GrantManagerInternals {
  createGrant(raw: string): Promise<{ access_token?: { content?: TokenClaims } }>;
  rotation: { jwks: { kid?: string }[]; getJWK(kid: string): Promise<unknown> | undefined };
}

/**
 * keycloak-connect answers every failure with an Error whose message is its only detail, and
 * sometimes not even that (a throttled JWKS refetch throws a TypeError). Name them for the log.
 */
function reasonFrom(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const known: [RegExp, string][] = [
    [/\(expired\)/, 'token expired'],
    [/\(wrong type\)/, 'token typ is not Bearer'],
    [/\(wrong ISS\)/, 'wrong issuer'],
    [/\(wrong audience\)/, 'wrong audience'],
    [/\(stale token\)/, 'token issued before the realm not-before'],
    [/signature\)/, 'bad signature'],
    [/^unknown kid$|Expected "jwk" to be an Object|reading 'then'/, 'unknown signing key (kid not in the realm JWKS)'],
    [/failed to load public key/, `realm JWKS unavailable: ${message.replace(/^.*Reason: /, '')}`],
  ];
  return known.find(([pattern]) => pattern.test(message))?.[1] ?? `token rejected: ${message}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('realm JWKS request timed out')), ms).unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | null {
  if (!segment || !/^[A-Za-z0-9_-]+$/.test(segment)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Access-token verification backed by keycloak-connect in bearer-only mode: typ, exp, iss, aud and
 * the RS256 signature against the realm JWKS (keys cached by kid). In front of it, checks it lacks:
 * the header `alg` (RS256 only), a present `exp` (it treats a token without one as never expiring),
 * and a JWKS refetch throttle that also holds while the realm is down. Behind it, the hub's own
 * rule for who may call (`identityFromClaims`), failing with 403.
 */
export function createTokenVerifier(settings: AuthSettings): TokenVerifier {
  const minInterval = settings.minJwksIntervalSeconds ?? 10;
  const keycloakConfig = {
    realm: settings.realm,
    'auth-server-url': settings.serverUrl,
    resource: settings.audience,
    'bearer-only': true,
    'verify-token-audience': true,
    // keycloak-connect reads 0 as "unset" (→ 10 s); a microsecond is as good as none.
    'min-time-between-jwks-requests': Math.max(minInterval, 1e-6),
    'confidential-port': 0,
    'ssl-required': 'none',
  };
  const keycloak = new Keycloak({}, keycloakConfig);
  const grants = keycloak.grantManager as unknown as GrantManagerInternals;

  const cache = new Map<string, { result: VerifyResult; expiresAt: number }>();
  let lastRefetch = 0;
  let refetching: Promise<unknown> | null = null;

  const knownKid = (kid: string) => grants.rotation.jwks.some((key) => key.kid === kid);

  /**
   * An unknown kid refetches the realm JWKS (through keycloak-connect's own key cache): one fetch at
   * a time, at most every minInterval, whether the realm answers or not, and with a timeout.
   */
  async function ensureKey(kid: string): Promise<void> {
    if (knownKid(kid)) return;
    if (!refetching) {
      const now = Date.now() / 1000;
      if (now - lastRefetch <= minInterval) throw new Error('unknown kid');
      lastRefetch = now;
      refetching = withTimeout(Promise.resolve(grants.rotation.getJWK(kid)), JWKS_TIMEOUT_MS).finally(() => (refetching = null));
    }
    try {
      await refetching;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!knownKid(kid) && !/Expected "jwk"/.test(message)) throw new Error(`failed to load public key to verify token. Reason: ${message}`);
    }
    if (!knownKid(kid)) throw new Error('unknown kid');
  }

  /** keycloak-connect's checks: typ, iat ≥ not-before, iss, aud, RS256 signature with the key of that kid. */
  async function verifyWithKeycloak(token: string, kid: string): Promise<TokenClaims> {
    await ensureKey(kid);
    return (await grants.createGrant(JSON.stringify({ access_token: token }))).access_token?.content ?? {};
  }

  async function verify(token: string): Promise<VerifyResult> {
    const [head, body, signature, ...rest] = token.split('.');
    const header = decodeSegment(head);
    const payload = decodeSegment(body);
    if (!header || !payload || signature === undefined || rest.length > 0) return unauthenticated('malformed token');
    if (header.alg !== 'RS256') return unauthenticated(`token alg ${JSON.stringify(header.alg)} is not RS256`);
    if (typeof header.kid !== 'string') return unauthenticated('token header has no kid');
    if (typeof payload.exp !== 'number') return unauthenticated('token has no exp');
    if (payload.exp * 1000 <= Date.now()) return unauthenticated('token expired');
    if (typeof payload.nbf === 'number' && payload.nbf * 1000 > Date.now()) return unauthenticated('token not yet valid (nbf)');

    let claims: TokenClaims;
    try {
      claims = await verifyWithKeycloak(token, header.kid);
    } catch (err) {
      return unauthenticated(reasonFrom(err));
    }
    const mapped = identityFromClaims(claims, settings.audience);
    const result: VerifyResult = 'reason' in mapped ? { ok: false, status: 403, reason: mapped.reason } : { ok: true, identity: mapped.identity, claims, token };
    remember(token, result, payload.exp * 1000);
    return result;
  }

  /** Only verified tokens (allowed or 403) are kept, never past their exp; the least recently used goes first. */
  function remember(token: string, result: VerifyResult, expiresAt: number) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(token, { result, expiresAt });
  }

  async function verifyBearer(token: string | undefined): Promise<VerifyResult> {
    if (!token) return unauthenticated('no bearer token');
    const hit = cache.get(token);
    if (hit) {
      cache.delete(token);
      if (hit.expiresAt > Date.now()) {
        cache.set(token, hit);
        return hit.result;
      }
    }
    return verify(token);
  }

  return {
    verifyBearer,
    verifyToken(req) {
      const match = /^Bearer +([^\s]+) *$/i.exec(req.headers.authorization ?? '');
      return verifyBearer(match?.[1]);
    },
  };
}
