import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as jose from 'jose';
import {
  createIdentitySigner,
  createIdentityVerifier,
  identityJwks,
  IDENTITY_ISSUER,
  IDENTITY_TTL_SECONDS,
  IDENTITY_TYP,
  type VerifyHeaderResult,
} from './identity-signature.js';
import { anonymousIdentity, type Identity } from './identity.js';

const gateway = generateKeyPairSync('ed25519');
const publicPem = gateway.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const supervisor: Identity = Object.freeze({
  subject: 'user-1',
  clientId: 'hub-console',
  kind: 'user',
  roles: Object.freeze(['supervisor'] as const),
  regionCode: '330500',
  hospitalCode: null,
});
const officer: Identity = Object.freeze({
  subject: 'user-2',
  clientId: 'hub-console',
  kind: 'user',
  roles: Object.freeze(['hospital-officer'] as const),
  regionCode: null,
  hospitalCode: '12330502000000019W',
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (jws: string) => {
  const [header, payload, signature] = jws.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>,
    segments: { header: header!, payload: payload!, signature: signature! },
  };
};
const kid = async () => (await identityJwks(gateway.publicKey)).keys[0]!.kid!;
const refused = (result: VerifyHeaderResult, reason: RegExp) => {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toMatch(reason);
};

afterEach(() => vi.useRealTimers());

describe('the gateway identity header', () => {
  it('round trip: what the gateway signs for a subgraph, that subgraph reads back', async () => {
    const signer = createIdentitySigner(gateway.privateKey);
    const verify = createIdentityVerifier(gateway.publicKey, 'directory');
    expect(await verify(await signer.sign(supervisor, 'case 2024-17', 'directory'))).toEqual({
      ok: true,
      identity: supervisor,
      reason: 'case 2024-17',
    });
    expect(await verify(await signer.sign(officer, null, 'directory'))).toEqual({ ok: true, identity: officer, reason: null });
    expect(await verify(await signer.sign(anonymousIdentity, null, 'directory'))).toEqual({
      ok: true,
      identity: anonymousIdentity,
      reason: null,
    });
    // An empty reason is a reason (the audit log records it), not none.
    expect(await verify(await signer.sign(supervisor, '', 'directory'))).toMatchObject({ ok: true, reason: '' });
  });

  it("is a compact JWS: EdDSA, explicitly typed, kid = the key thumbprint; standard claims, the hub's own beside them", async () => {
    const before = Math.floor(Date.now() / 1000);
    const jws = await createIdentitySigner(gateway.privateKey).sign(supervisor, 'case 2024-17', 'directory');
    expect(jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { header, payload } = parts(jws);
    expect(header).toEqual({
      alg: 'EdDSA',
      typ: IDENTITY_TYP,
      kid: await jose.calculateJwkThumbprint(await jose.exportJWK(gateway.publicKey)),
    });
    expect(payload).toEqual({
      iss: IDENTITY_ISSUER,
      aud: 'directory',
      iat: expect.any(Number),
      exp: (payload.iat as number) + IDENTITY_TTL_SECONDS,
      sub: 'user-1',
      client_id: 'hub-console',
      caller_kind: 'user',
      roles: ['supervisor'],
      region_code: '330500',
      unmask_reason: 'case 2024-17',
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(IDENTITY_TTL_SECONDS).toBe(60);
    // Null fields are absent claims, not nulls.
    expect(
      Object.keys(parts(await createIdentitySigner(gateway.privateKey).sign(anonymousIdentity, null, 'audit')).payload).sort(),
    ).toEqual(['aud', 'caller_kind', 'exp', 'iat', 'iss', 'roles']);
  });

  it('any JOSE library verifies it with the public key alone: jose.jwtVerify, from the PEM or the JWKS', async () => {
    const jws = await createIdentitySigner(gateway.privateKey).sign(officer, null, 'directory');
    const fromPem = await jose.jwtVerify(jws, await jose.importSPKI(publicPem, 'EdDSA'), { audience: 'directory' });
    expect(fromPem.payload).toMatchObject({
      sub: 'user-2',
      hospital_code: '12330502000000019W',
      roles: ['hospital-officer'],
      iss: IDENTITY_ISSUER,
    });
    expect(fromPem.protectedHeader.alg).toBe('EdDSA');
    const fromJwks = await jose.jwtVerify(jws, jose.createLocalJWKSet(await identityJwks(gateway.publicKey)), {
      audience: 'directory',
      issuer: IDENTITY_ISSUER,
      typ: IDENTITY_TYP,
      algorithms: ['EdDSA'],
    });
    expect(fromJwks.payload.aud).toBe('directory');
    // …and refuses it for another audience, the same way ours does.
    await expect(jose.jwtVerify(jws, await jose.importSPKI(publicPem, 'EdDSA'), { audience: 'audit' })).rejects.toThrow(
      jose.errors.JWTClaimValidationFailed,
    );
  });
});

describe('what a subgraph refuses', () => {
  const verify = createIdentityVerifier(gateway.publicKey, 'directory');
  const valid = () => createIdentitySigner(gateway.privateKey).sign(supervisor, null, 'directory');

  it('no header', async () => {
    refused(await verify(undefined), /no gateway identity header/);
    refused(await verify(''), /no gateway identity header/);
    refused(await verify([]), /no gateway identity header/);
  });

  it('not a JWS at all, or the old v1 format', async () => {
    refused(await verify('not-a-jws'), /malformed identity header/);
    refused(await verify('v1.forged.sig'), /malformed identity header/);
  });

  it("signed with another key (its own kid, or the gateway's kid copied)", async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    refused(await verify(await createIdentitySigner(other).sign(supervisor, null, 'directory')), /unknown key/);
    const { payload } = parts(await valid());
    const copiedKid = await new jose.SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: IDENTITY_TYP, kid: await kid() }).sign(other);
    refused(await verify(copiedKid), /bad identity signature/);
  });

  it('an alg other than EdDSA: none, or HS256 keyed with the public key', async () => {
    const { header, segments } = parts(await valid());
    refused(await verify(`${b64({ ...header, alg: 'none' })}.${segments.payload}.`), /alg "none" is not EdDSA/);
    const hsHead = b64({ ...header, alg: 'HS256' });
    const hs = `${hsHead}.${segments.payload}.${createHmac('sha256', publicPem).update(`${hsHead}.${segments.payload}`).digest('base64url')}`;
    refused(await verify(hs), /alg "HS256" is not EdDSA/);
  });

  it('a tampered payload (another region, the signature kept), or the signature stripped', async () => {
    const { payload, segments } = parts(await valid());
    expect(payload.region_code).toBe('330500');
    refused(
      await verify(`${segments.header}.${b64({ ...payload, region_code: '110000' })}.${segments.signature}`),
      /bad identity signature/,
    );
    refused(await verify(`${segments.header}.${segments.payload}.`), /bad identity signature/);
  });

  it('one signed for another subgraph', async () => {
    refused(await verify(await createIdentitySigner(gateway.privateKey).sign(supervisor, null, 'audit')), /issued for "audit"/);
  });

  it('an expired one (signed expired, or outlived: also once verified and remembered)', async () => {
    refused(await verify(await createIdentitySigner(gateway.privateKey, -1).sign(supervisor, null, 'directory')), /identity expired/);
    vi.useFakeTimers({ toFake: ['Date'] });
    const jws = await valid();
    expect((await verify(jws)).ok).toBe(true);
    vi.setSystemTime(Date.now() + (IDENTITY_TTL_SECONDS - 2) * 1000);
    expect((await verify(jws)).ok).toBe(true);
    vi.setSystemTime(Date.now() + 3_000);
    refused(await verify(jws), /identity expired/);
  });

  it("validly signed by the gateway key but not the gateway's header: another issuer or typ, no exp", async () => {
    const { payload } = parts(await valid());
    const sign = (claims: jose.JWTPayload, typ = IDENTITY_TYP) =>
      new jose.SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ }).sign(gateway.privateKey);
    refused(await verify(await sign({ ...payload, iss: 'someone-else' })), /issued by "someone-else"/);
    refused(await verify(await sign(payload, 'JWT')), /typ is not hub-identity\+jwt/);
    const { exp: _exp, ...noExp } = payload;
    refused(await verify(await sign(noExp)), /exp/);
    // The control: the same hand-made header with every claim is accepted.
    expect((await verify(await sign(payload))).ok).toBe(true);
  });
});

describe('caching', () => {
  it('a signature is reused until half its life is gone, per identity × audience × reason', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const signer = createIdentitySigner(gateway.privateKey);
    const first = await signer.sign(supervisor, null, 'directory');
    expect(await signer.sign(supervisor, null, 'directory')).toBe(first);
    expect(await signer.sign(supervisor, null, 'audit')).not.toBe(first);
    expect(await signer.sign(supervisor, 'case 1', 'directory')).not.toBe(first);
    expect(await signer.sign(supervisor, 'case 1', 'directory')).toBe(await signer.sign(supervisor, 'case 1', 'directory'));
    vi.setSystemTime(Date.now() + (IDENTITY_TTL_SECONDS / 2 - 1) * 1000);
    expect(await signer.sign(supervisor, null, 'directory')).toBe(first);
    vi.setSystemTime(Date.now() + 2_000);
    const renewed = await signer.sign(supervisor, null, 'directory');
    expect(renewed).not.toBe(first);
    expect(parts(renewed).payload.exp).toBeGreaterThan(parts(first).payload.exp as number);
  });

  it('concurrent first requests share one signing', async () => {
    const signer = createIdentitySigner(gateway.privateKey);
    const pending = Array.from({ length: 5 }, () => signer.sign(officer, null, 'directory'));
    expect(new Set(pending).size).toBe(1);
    expect((await createIdentityVerifier(gateway.publicKey, 'directory')(await pending[0])).ok).toBe(true);
  });

  it('refuses keys that are not Ed25519 at construction, not at the first request', () => {
    expect(() => createIdentitySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(/Ed25519 private key/);
    expect(() => createIdentitySigner(gateway.publicKey)).toThrow(/Ed25519 private key/);
    expect(() => createIdentityVerifier(gateway.privateKey, 'directory')).toThrow(/Ed25519 public key/);
  });
});
