import type { IncomingMessage } from 'node:http';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createRequire } from 'node:module';
import Keycloak from 'keycloak-connect';
import { request } from 'undici';
import { identityFromClaims, type Identity, type TokenClaims } from '#common/identity.js';

export interface AuthSettings {
  /** Keycloak's `auth-server-url`, e.g. http://127.0.0.1:4080 (no `/realms/…`). */
  serverUrl: string;
  realm: string;
  /** The hub's client id in the realm (e.g. `integrity-hub`): every token's `aud` must name it. */
  audience: string;
  /** Least time between two JWKS fetches for an unknown `kid`, whether the realm answers or not (default 10 s, Keycloak's). */
  minJwksIntervalSeconds?: number;
  /** How long a JWKS fetch may take (default 5 s): a hung realm must not hang every unknown-kid request. */
  jwksTimeoutSeconds?: number;
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

const unauthenticated = (reason: string): VerifyResult => ({ ok: false, status: 401, reason });

/**
 * keycloak-connect's access-token object, the argument of its public `grantManager.validateToken`
 * (keycloak.d.ts declares the method and the `Token` interface). Its main module builds one only
 * inside createGrant from a grant's JSON, so the class is taken from the file that defines it.
 */
const KeycloakToken = createRequire(import.meta.url)('keycloak-connect/middleware/auth-utils/token.js') as new (
  token: string,
  clientId?: string,
) => Keycloak.Token;

function decodeSegment(segment: string | undefined): Record<string, unknown> | null {
  if (!segment || !/^[A-Za-z0-9_-]+$/.test(segment)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Why a JWKS request failed, for the log: the socket error's message, or the timeout. */
function fetchFailure(err: unknown, timeoutSeconds: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${timeoutSeconds} s`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one `verifyToken()` seam: Keycloak access tokens, verified with keycloak-connect 26.1.1 in
 * bearer-only mode (the adapter's last release; the chosen stack). What it does and why:
 *
 * - Before keycloak-connect, this module checks everything it can name itself: the token's shape,
 *   header `alg` = RS256 (keycloak-connect never reads `alg`), a `kid`, claims `typ` = Bearer, `iss` =
 *   the realm, `aud` naming the hub, `exp` present (keycloak-connect takes a token without one for
 *   never expiring) and not past, `nbf` not in the future. Each failure has its own reason, so none
 *   comes from parsing keycloak-connect's error messages.
 * - The realm's JWKS is fetched and cached here, not by keycloak-connect's key rotation: one fetch
 *   at a time (concurrent requests share it), at most every `minJwksIntervalSeconds` whether the
 *   realm answered or not (its own throttle only counts successful fetches, and a throttled lookup
 *   fails with a TypeError), and with a timeout (its request has none).
 * - keycloak-connect then verifies the RS256 signature through public configuration and API only: one
 *   grant manager per `kid`, configured with that key as `realm-public-key`, and
 *   `grantManager.validateToken(token, 'Bearer')`. It repeats the claim checks above (they pass), and
 *   its not-before check is inert here (the admin endpoint that would set it is not mounted), so a
 *   rejection is a bad signature; its message goes to the log unparsed.
 *
 * What remains of keycloak-connect's internals: the `Token` constructor, required from the package
 * file that defines it (KeycloakToken above), because validateToken takes a Token and the package
 * exports no way to make one. Nothing else of its state is read, and no message text is matched.
 *
 * Behind it, the hub's own rule for who may call (`identityFromClaims`), failing with 403.
 */
export function createTokenVerifier(settings: AuthSettings): TokenVerifier {
  const minIntervalMs = (settings.minJwksIntervalSeconds ?? 10) * 1000;
  const timeoutSeconds = settings.jwksTimeoutSeconds ?? 5;
  // keycloak-connect's realm URL (config.js: auth-server-url without trailing slashes + /realms/<realm>): the issuer it expects.
  const realmUrl = `${settings.serverUrl.replace(/\/*$/, '')}/realms/${settings.realm}`;
  const jwksUrl = `${realmUrl}/protocol/openid-connect/certs`;
  const keycloakConfig = {
    realm: settings.realm,
    'auth-server-url': settings.serverUrl,
    resource: settings.audience,
    'bearer-only': true,
    'verify-token-audience': true,
    'confidential-port': 0,
    'ssl-required': 'none',
  };

  /** kid → the realm key (SPKI, base64) and the grant manager that verifies with it. */
  let realmKeys = new Map<string, { spki: string; grants: Keycloak.GrantManager }>();
  let lastFetch = -Infinity;
  let lastFailure: string | null = null;
  let fetching: Promise<void> | null = null;
  const cache = new Map<string, { result: VerifyResult; expiresAt: number }>();

  /** The realm's RS256 signing keys, replacing the set held (a key the realm dropped goes with it). */
  async function fetchJwks(): Promise<void> {
    const res = await request(jwksUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`HTTP ${res.statusCode}`);
    }
    const body = (await res.body.json()) as { keys?: unknown };
    if (!Array.isArray(body?.keys)) throw new Error('no "keys" in the JWKS');
    const next = new Map<string, { spki: string; grants: Keycloak.GrantManager }>();
    for (const jwk of body.keys as (JsonWebKey & { kid?: unknown; use?: unknown; alg?: unknown })[]) {
      if (typeof jwk?.kid !== 'string' || jwk.kty !== 'RSA' || (jwk.use ?? 'sig') !== 'sig' || (jwk.alg ?? 'RS256') !== 'RS256') continue;
      let spki: string;
      try {
        spki = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }).toString('base64');
      } catch {
        continue; // not a usable RSA key: tokens naming it stay unverifiable
      }
      const held = realmKeys.get(jwk.kid);
      next.set(
        jwk.kid,
        held?.spki === spki
          ? held
          : { spki, grants: new Keycloak({}, { ...keycloakConfig, 'realm-public-key': spki } as Keycloak.KeycloakConfig).grantManager },
      );
    }
    realmKeys = next;
  }

  /** The grant manager for `kid`, refetching the JWKS (single-flight, throttled) when the kid is unknown; else why not. */
  async function grantsFor(kid: string): Promise<Keycloak.GrantManager | string> {
    const held = realmKeys.get(kid);
    if (held) return held.grants;
    if (!fetching && Date.now() - lastFetch >= minIntervalMs) {
      lastFetch = Date.now();
      fetching = fetchJwks()
        .then(
          () => void (lastFailure = null),
          (err: unknown) => void (lastFailure = fetchFailure(err, timeoutSeconds)),
        )
        .finally(() => (fetching = null));
    }
    if (fetching) await fetching;
    const key = realmKeys.get(kid);
    if (key) return key.grants;
    return lastFailure !== null ? `realm JWKS unavailable: ${lastFailure}` : 'unknown signing key (kid not in the realm JWKS)';
  }

  /** The checks named in the seam's comment, on the decoded token; null when all pass. */
  function precheck(header: Record<string, unknown>, payload: Record<string, unknown>): string | null {
    if (header.alg !== 'RS256') return `token alg ${JSON.stringify(header.alg)} is not RS256`;
    if (typeof header.kid !== 'string') return 'token header has no kid';
    if (typeof payload.exp !== 'number') return 'token has no exp';
    if (payload.exp * 1000 <= Date.now()) return 'token expired';
    if (typeof payload.nbf === 'number' && payload.nbf * 1000 > Date.now()) return 'token not yet valid (nbf)';
    if (payload.typ !== 'Bearer') return 'token typ is not Bearer';
    if (payload.iss !== realmUrl) return 'wrong issuer';
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.includes(settings.audience)) return 'wrong audience';
    return null;
  }

  async function verify(token: string): Promise<VerifyResult> {
    const [head, body, signature, ...rest] = token.split('.');
    const header = decodeSegment(head);
    const payload = decodeSegment(body);
    if (!header || !payload || signature === undefined || rest.length > 0) return unauthenticated('malformed token');
    const refused = precheck(header, payload);
    if (refused) return unauthenticated(refused);

    const grants = await grantsFor(header.kid as string);
    if (typeof grants === 'string') return unauthenticated(grants);
    try {
      await grants.validateToken(new KeycloakToken(token, settings.audience), 'Bearer');
    } catch (err) {
      return unauthenticated(`bad signature (keycloak-connect: ${err instanceof Error ? err.message : String(err)})`);
    }
    // The claims are the payload just verified (keycloak-connect decodes the same segment).
    const claims = payload as TokenClaims;
    const mapped = identityFromClaims(claims, settings.audience);
    const result: VerifyResult =
      'reason' in mapped ? { ok: false, status: 403, reason: mapped.reason } : { ok: true, identity: mapped.identity, claims, token };
    remember(token, result, (payload.exp as number) * 1000);
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
