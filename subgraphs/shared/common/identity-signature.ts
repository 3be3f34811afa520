import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  exportJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { isHubRole, type HubRole, type Identity } from './identity.js';

/**
 * How the gateway vouches for a caller (docs/security.md, "The gateway's identity header"): after
 * verifying the token it signs the caller's identity and unmask reason for one subgraph (`aud`), for
 * 60 s, with an Ed25519 key only the gateway holds; each subgraph holds only the public key. So a
 * subgraph reached directly — or a compromised subgraph replaying what it received to another one —
 * cannot present an identity the gateway did not issue for that very subgraph, within the last `ttlSeconds`.
 *
 * The header is a compact JWS (RFC 7515) carrying a JWT (RFC 7519), alg EdDSA (RFC 8037), explicitly
 * typed (RFC 8725 §3.11), so any JOSE library verifies it with the public key alone (a subgraph in
 * another language, a router's coprocessor). Signed and verified with jose.
 */
export interface VouchedRequest {
  identity: Identity;
  /** Reason stated by the caller for unmasking personal data (audited), or null. */
  reason: string | null;
}

/** JWS `alg`: Ed25519 signatures (RFC 8037 §3.1). */
export const IDENTITY_ALG = 'EdDSA';
/** JWS `typ` (RFC 8725 §3.11): no other JWT — a realm access token, say — can pass for this one. */
export const IDENTITY_TYP = 'hub-identity+jwt';
/** JWT `iss`: the hub's gateway (the hub gateway and the Hive Gateway plugin alike). */
export const IDENTITY_ISSUER = 'integrity-hub-gateway';
/** Lifetime of a signed identity. */
export const IDENTITY_TTL_SECONDS = 60;

/**
 * The claims besides iss, aud, iat and exp. Standard names where a registered claim means the
 * same (`sub` RFC 7519 §4.1.2, `client_id` RFC 8693 §4.3, `roles` RFC 9068 §2.2.3.1); the scope
 * under the realm token's own claim names; a claim absent when its value is null.
 */
export interface IdentityClaims extends JWTPayload {
  /** Identity.subject: the token's `sub`. */
  sub?: string;
  /** Identity.clientId: the token's `azp`. */
  client_id?: string;
  /** Identity.roles: the caller's hub roles (always present, maybe empty). */
  roles: HubRole[];
  /** Identity.kind. */
  caller_kind: Identity['kind'];
  /** Identity.regionCode (GB/T 2260). */
  region_code?: string;
  /** Identity.hospitalCode (统一社会信用代码). */
  hospital_code?: string;
  /** The caller's stated reason for unmasking personal data (header x-hub-unmask-reason). */
  unmask_reason?: string;
}

function identityClaims(identity: Identity, reason: string | null): IdentityClaims {
  const claims: IdentityClaims = { roles: [...identity.roles], caller_kind: identity.kind };
  if (identity.subject !== null) claims.sub = identity.subject;
  if (identity.clientId !== null) claims.client_id = identity.clientId;
  if (identity.regionCode !== null) claims.region_code = identity.regionCode;
  if (identity.hospitalCode !== null) claims.hospital_code = identity.hospitalCode;
  if (reason !== null) claims.unmask_reason = reason;
  return claims;
}

/** The signed payload came from the gateway, but is still read claim by claim into a frozen Identity. */
function identityFrom(payload: JWTPayload): Identity {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const kind = payload.caller_kind === 'user' || payload.caller_kind === 'machine' ? payload.caller_kind : 'anonymous';
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is HubRole => typeof r === 'string' && isHubRole(r)) : [];
  return Object.freeze({
    subject: str(payload.sub),
    clientId: str(payload.client_id),
    kind,
    roles: Object.freeze(roles),
    regionCode: str(payload.region_code),
    hospitalCode: str(payload.hospital_code),
  });
}

function assertEd25519(key: KeyObject, type: 'private' | 'public') {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the gateway identity key must be an Ed25519 ${type} key (got ${key.asymmetricKeyType ?? key.type} ${key.type})`);
}

/**
 * The gateway key's public half as a JWK Set, `kid` = its RFC 7638 thumbprint — what a verifier that
 * selects keys by `kid` (a JWKS, or several keys during a rotation) needs; the signer puts that `kid` in the header.
 */
export async function identityJwks(publicKey: KeyObject): Promise<{ keys: JWK[] }> {
  assertEd25519(publicKey, 'public');
  const jwk = await exportJWK(publicKey);
  return { keys: [{ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: IDENTITY_ALG, use: 'sig' }] };
}

export interface IdentitySigner {
  /** The `x-hub-identity` header for `identity` (and `reason`), for subgraph `audience`. */
  sign(identity: Identity, reason: string | null, audience: string): Promise<string>;
}

/**
 * Signatures are reused while they have more than half their life left: a caller's identity object
 * is cached by the token verifier, so steady traffic signs once per identity, subgraph and reason
 * every ttl/2, not per request. The cached value is the signing promise, so concurrent first
 * requests share one signature too.
 */
export function createIdentitySigner(privateKey: KeyObject, ttlSeconds = IDENTITY_TTL_SECONDS): IdentitySigner {
  assertEd25519(privateKey, 'private');
  const kid = identityJwks(createPublicKey(privateKey)).then(({ keys }) => keys[0]!.kid!);
  const cache = new WeakMap<Identity, Map<string, { header: Promise<string>; renewAt: number }>>();
  return {
    sign(identity, reason, audience) {
      const now = Date.now();
      const key = reason === null ? audience : `${audience}\n${reason}`;
      let perIdentity = cache.get(identity);
      const hit = perIdentity?.get(key);
      if (hit && hit.renewAt > now) return hit.header;
      const iat = Math.floor(now / 1000);
      const header = kid.then((keyId) =>
        new SignJWT(identityClaims(identity, reason))
          .setProtectedHeader({ alg: IDENTITY_ALG, typ: IDENTITY_TYP, kid: keyId })
          .setIssuer(IDENTITY_ISSUER)
          .setAudience(audience)
          .setIssuedAt(iat)
          .setExpirationTime(iat + ttlSeconds)
          .sign(privateKey),
      );
      if (!perIdentity) cache.set(identity, (perIdentity = new Map<string, { header: Promise<string>; renewAt: number }>()));
      const entry = { header, renewAt: now + (ttlSeconds * 1000) / 2 };
      perIdentity.set(key, entry);
      const entries = perIdentity;
      header.catch(() => entries.get(key) === entry && entries.delete(key)); // a failed signature is not kept
      return header;
    },
  };
}

export type VerifyHeaderResult = ({ ok: true } & VouchedRequest) | { ok: false; reason: string };
export type IdentityVerifier = (header: string | string[] | undefined) => Promise<VerifyHeaderResult>;

/**
 * Subgraph side: jose's jwtVerify with the public key (selected by `kid`), EdDSA only, this
 * subgraph as audience, the gateway as issuer, the header's typ, and an exp. Verified headers are
 * remembered until they expire (bounded, oldest first out), so the signature check runs once per header.
 */
export function createIdentityVerifier(publicKey: KeyObject, audience: string, maxCached = 10_000): IdentityVerifier {
  assertEd25519(publicKey, 'public');
  const keys = identityJwks(publicKey).then((jwks) => createLocalJWKSet(jwks));
  const verified = new Map<string, { vouched: VouchedRequest; exp: number }>();
  return async (header) => {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return { ok: false, reason: 'no gateway identity header' };
    const hit = verified.get(value);
    if (hit) {
      if (hit.exp > Date.now() / 1000) return { ok: true, ...hit.vouched };
      verified.delete(value);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(value, await keys, {
        algorithms: [IDENTITY_ALG],
        typ: IDENTITY_TYP,
        issuer: IDENTITY_ISSUER,
        audience,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      return { ok: false, reason: refusalReason(err, value) };
    }
    const vouched: VouchedRequest = {
      identity: identityFrom(payload),
      reason: typeof payload.unmask_reason === 'string' ? payload.unmask_reason : null,
    };
    if (verified.size >= maxCached) verified.delete(verified.keys().next().value!);
    verified.set(value, { vouched, exp: payload.exp! });
    return { ok: true, ...vouched };
  };
}

/** jose's error classes, named for the log (the caller only ever sees 401). */
function refusalReason(err: unknown, header: string): string {
  if (err instanceof errors.JWTExpired) return 'identity expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    const { claim, payload } = err;
    if (claim === 'aud') return `identity issued for ${JSON.stringify(payload.aud)}`;
    if (claim === 'iss') return `identity issued by ${JSON.stringify(payload.iss)}`;
    if (claim === 'typ') return `identity header typ is not ${IDENTITY_TYP}`;
    return `identity claim ${claim} ${err.reason}`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return `identity header alg ${JSON.stringify(headerOf(header)?.alg)} is not ${IDENTITY_ALG}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad identity signature';
  if (err instanceof errors.JWKSNoMatchingKey) return `identity signed by an unknown key (kid ${JSON.stringify(headerOf(header)?.kid)})`;
  if (err instanceof errors.JWTInvalid) return 'malformed identity payload';
  if (err instanceof errors.JWSInvalid) return 'malformed identity header';
  return `identity refused: ${err instanceof Error ? err.message : String(err)}`;
}

function headerOf(jws: string): Record<string, unknown> | undefined {
  try {
    return decodeProtectedHeader(jws);
  } catch {
    return undefined;
  }
}

/** PEM text, or base64 of it (handy in env files), into a key. */
const pem = (value: string) =>
  value.includes('-----BEGIN') ? value.replaceAll('\\n', '\n') : Buffer.from(value, 'base64').toString('utf8');

export const DEV_IDENTITY_KEY_PATH = '.data/identity/gateway-ed25519.pem';

/** The identity-key variables, as parsed by a process's config module (never read from `process.env` here). */
export interface IdentityKeySettings {
  NODE_ENV?: string;
  HUB_IDENTITY_PRIVATE_KEY?: string;
  HUB_IDENTITY_PUBLIC_KEY?: string;
  HUB_IDENTITY_KEY_PATH?: string;
}

/**
 * The gateway's signing key: HUB_IDENTITY_PRIVATE_KEY, or outside production a development key
 * kept (0600) under .data/ so separately started subgraphs can share it. Production must set it.
 */
export function loadSigningKey(env: IdentityKeySettings): KeyObject {
  if (env.HUB_IDENTITY_PRIVATE_KEY) return createPrivateKey(pem(env.HUB_IDENTITY_PRIVATE_KEY));
  if (env.NODE_ENV === 'production') throw new Error('HUB_IDENTITY_PRIVATE_KEY is required in production (an Ed25519 private key, PEM)');
  return developmentKey(env.HUB_IDENTITY_KEY_PATH ?? DEV_IDENTITY_KEY_PATH);
}

/** A subgraph's verification key: HUB_IDENTITY_PUBLIC_KEY, or (outside production) the development key's public half. */
export function loadVerificationKey(env: IdentityKeySettings): KeyObject {
  if (env.HUB_IDENTITY_PUBLIC_KEY) return createPublicKey(pem(env.HUB_IDENTITY_PUBLIC_KEY));
  if (env.HUB_IDENTITY_PRIVATE_KEY) return createPublicKey(pem(env.HUB_IDENTITY_PRIVATE_KEY));
  if (env.NODE_ENV === 'production')
    throw new Error("HUB_IDENTITY_PUBLIC_KEY is required in production (the gateway key's public half, PEM)");
  return createPublicKey(developmentKey(env.HUB_IDENTITY_KEY_PATH ?? DEV_IDENTITY_KEY_PATH));
}

function developmentKey(path: string): KeyObject {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process wrote it first: use theirs
    }
    chmodSync(path, 0o600);
  }
  return createPrivateKey(readFileSync(path, 'utf8'));
}
