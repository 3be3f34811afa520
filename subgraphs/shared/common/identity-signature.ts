import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { anonymousIdentity, isHubRole, type HubRole, type Identity } from './identity.js';

/**
 * How the gateway vouches for a caller (README, "Identity"): after verifying the token it signs
 * `{identity, reason, aud: <subgraph>, exp}` with an Ed25519 key only the gateway holds; each
 * subgraph holds only the public key. So a subgraph reached directly — or a compromised subgraph
 * replaying what it received to another one — cannot present an identity the gateway did not
 * issue for that very subgraph, within the last `ttlSeconds`.
 *
 * Header: `v1.<base64url(JSON payload)>.<base64url(signature)>`.
 */
export interface VouchedRequest {
  identity: Identity;
  /** Reason stated by the caller for unmasking personal data (audited), or null. */
  reason: string | null;
}

interface Payload {
  i: Identity;
  r: string | null;
  aud: string;
  exp: number;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface IdentitySigner {
  sign(identity: Identity, reason: string | null, audience: string): string;
}

/**
 * Signatures are reused while they have more than half their life left: a caller's identity object
 * is cached by the token verifier, so steady traffic signs once per identity and subgraph, not per request.
 */
export function createIdentitySigner(privateKey: KeyObject, ttlSeconds = 60): IdentitySigner {
  const cache = new WeakMap<Identity, Map<string, { header: string; renewAt: number }>>();
  return {
    sign(identity, reason, audience) {
      const now = Date.now();
      const key = reason === null ? audience : `${audience}\n${reason}`;
      let perIdentity = cache.get(identity);
      const hit = perIdentity?.get(key);
      if (hit && hit.renewAt > now) return hit.header;
      const payload: Payload = { i: identity, r: reason, aud: audience, exp: Math.floor(now / 1000) + ttlSeconds };
      const body = b64(JSON.stringify(payload));
      const header = `v1.${body}.${b64(sign(null, Buffer.from(body), privateKey))}`;
      if (!perIdentity) cache.set(identity, (perIdentity = new Map()));
      perIdentity.set(key, { header, renewAt: now + (ttlSeconds * 1000) / 2 });
      return header;
    },
  };
}

export type VerifyHeaderResult = ({ ok: true } & VouchedRequest) | { ok: false; reason: string };

/** Subgraph side. Verified headers are remembered until they expire (bounded), so the Ed25519 check runs once per header. */
export function createIdentityVerifier(publicKey: KeyObject, audience: string, maxCached = 10_000) {
  const verified = new Map<string, { vouched: VouchedRequest; exp: number }>();
  return (header: string | string[] | undefined): VerifyHeaderResult => {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return { ok: false, reason: 'no gateway identity header' };
    const now = Date.now() / 1000;
    const hit = verified.get(value);
    if (hit && hit.exp > now) return { ok: true, ...hit.vouched };
    const [version, body, signature, extra] = value.split('.');
    if (version !== 'v1' || !body || !signature || extra !== undefined) return { ok: false, reason: 'malformed identity header' };
    if (!verify(null, Buffer.from(body), publicKey, Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad identity signature' };
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return { ok: false, reason: 'malformed identity payload' };
    }
    if (payload.aud !== audience) return { ok: false, reason: `identity issued for ${String(payload.aud)}` };
    if (typeof payload.exp !== 'number' || payload.exp <= now) return { ok: false, reason: 'identity expired' };
    const vouched: VouchedRequest = { identity: readIdentity(payload.i), reason: typeof payload.r === 'string' ? payload.r : null };
    if (verified.size >= maxCached) verified.clear();
    verified.set(value, { vouched, exp: payload.exp });
    return { ok: true, ...vouched };
  };
}

/** The signed payload came from the gateway, but is still read field by field into a frozen Identity. */
function readIdentity(raw: Partial<Identity> | undefined): Identity {
  if (!raw || typeof raw !== 'object') return anonymousIdentity;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const kind = raw.kind === 'user' || raw.kind === 'machine' ? raw.kind : 'anonymous';
  const roles = Array.isArray(raw.roles) ? (raw.roles.filter((r) => typeof r === 'string' && isHubRole(r)) as HubRole[]) : [];
  return Object.freeze({
    subject: str(raw.subject),
    clientId: str(raw.clientId),
    kind,
    roles: Object.freeze(roles),
    regionCode: str(raw.regionCode),
    hospitalCode: str(raw.hospitalCode),
  });
}

/** PEM text, or base64 of it (handy in env files), into a key. */
const pem = (value: string) => (value.includes('-----BEGIN') ? value.replaceAll('\\n', '\n') : Buffer.from(value, 'base64').toString('utf8'));

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
  if (env.NODE_ENV === 'production') throw new Error('HUB_IDENTITY_PUBLIC_KEY is required in production (the gateway key\'s public half, PEM)');
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
