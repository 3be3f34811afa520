import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, createPrivateKey, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier, type VerifyResult } from '../gateway/src/auth.js';
import { generateSigningKey, startDevIdentityProvider, type DevIdentityProvider, type SigningJwk } from '../gateway/src/dev-idp/index.js';

/**
 * Token verification end to end: a real OpenID provider on loopback shaped like a Keycloak realm
 * (gateway/src/dev-idp), real token requests over HTTP, the real keycloak-connect-backed verifier.
 */

let keys: SigningJwk[];
let idp: DevIdentityProvider;
let verifier: TokenVerifier;
let echo: Server;
let echoUrl: string;

const settingsFor = (p: Pick<DevIdentityProvider, 'serverUrl' | 'realm' | 'audience'>, minJwksIntervalSeconds?: number) => ({
  serverUrl: p.serverUrl,
  realm: p.realm,
  audience: p.audience,
  ...(minJwksIntervalSeconds === undefined ? {} : { minJwksIntervalSeconds }),
});

beforeAll(async () => {
  keys = [generateSigningKey()];
  idp = await startDevIdentityProvider({ port: 0, keys });
  idp.addAccount({ username: 'no-role', password: 'no-role-dev', roles: [] });
  idp.addAccount({ username: 'admin-and-supervisor', password: 'x-dev', roles: ['system-admin', 'supervisor'], regionCode: '330500' });
  idp.addAccount({ username: 'supervisor-without-region', password: 'y-dev', roles: ['supervisor'] });
  verifier = createTokenVerifier(settingsFor(idp));
  // verifyToken(req) on a real HTTP request: answers with the VerifyResult.
  echo = createServer((req, res) => {
    void verifier.verifyToken(req).then((result) => res.end(JSON.stringify(result)));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  echo?.close();
  await idp?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string) => ({
  header: JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>,
  payload: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>,
});
const signRs256 = (header: object, payload: object, key: KeyObject) => {
  const data = `${b64(header)}.${b64(payload)}`;
  return `${data}.${createSign('RSA-SHA256').update(data).sign(key).toString('base64url')}`;
};
const realKey = () => createPrivateKey({ key: keys[0]! as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
/** Claims a valid supervisor token carries, for hand-made tokens. */
const claimsLike = async () => decode(await idp.tokenFor('supervisor')).payload;

const viaHttp = async (authorization?: string): Promise<VerifyResult> =>
  (await fetch(echoUrl, { headers: authorization ? { authorization } : {} })).json() as Promise<VerifyResult>;

const expect401 = (result: VerifyResult, reason: RegExp) => {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(401);
  expect(result.reason).toMatch(reason);
};
const expect403 = (result: VerifyResult, reason: RegExp) => {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(403);
  expect(result.reason).toMatch(reason);
};

describe('the development provider looks like a Keycloak realm', () => {
  it('serves discovery and JWKS under /realms/<realm> with Keycloak paths', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(`${idp.serverUrl}/realms/integrity-hub`);
    expect(discovery.token_endpoint).toBe(`${idp.issuer}/protocol/openid-connect/token`);
    expect(discovery.jwks_uri).toBe(`${idp.issuer}/protocol/openid-connect/certs`);
    const jwks = (await (await fetch(discovery.jwks_uri!)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(keys[0]!.kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('issues RS256 JWT access tokens in Keycloak shape', async () => {
    const { header, payload } = decode(await idp.tokenFor('supervisor'));
    expect(header).toMatchObject({ alg: 'RS256', kid: keys[0]!.kid });
    expect(payload).toMatchObject({
      iss: idp.issuer,
      aud: 'integrity-hub',
      typ: 'Bearer',
      azp: 'hub-console',
      preferred_username: 'supervisor',
      region_code: '330500',
      resource_access: { 'integrity-hub': { roles: ['supervisor'] } },
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
  });

  it('refuses to start in production', async () => {
    await expect(startDevIdentityProvider({ port: 0, nodeEnv: 'production' })).rejects.toThrow(/production/);
  });
});

describe('valid tokens', () => {
  it('a user token (password grant) → identity with roles and region', async () => {
    const result = await verifier.verifyBearer(await idp.tokenFor('supervisor'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.identity).toMatchObject({
      kind: 'user',
      roles: ['supervisor'],
      regionCode: '330500',
      hospitalCode: null,
      clientId: 'hub-console',
    });
    expect(result.identity.subject).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.claims.preferred_username).toBe('supervisor');
  });

  it('a machine token (client credentials) → kind machine, client demo-feed', async () => {
    const result = await viaHttp(`Bearer ${await idp.tokenFor('demo-feed')}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.identity).toMatchObject({ kind: 'machine', clientId: 'demo-feed', roles: ['machine-client'], regionCode: '330500' });
  });

  it('a hospital officer is scoped to its hospital', async () => {
    const result = await verifier.verifyBearer(await idp.tokenFor('hospital-officer'));
    expect(result.ok && result.identity).toMatchObject({ roles: ['hospital-officer'], hospitalCode: '12330502000000019W' });
  });
});

describe('401: no or bad token', () => {
  it('no Authorization header, or not Bearer', async () => {
    expect401(await viaHttp(), /no bearer token/);
    expect401(await viaHttp('Basic c3VwZXJ2aXNvcjpzdXBlcnZpc29yLWRldg=='), /no bearer token/);
    expect401(await viaHttp('Bearer'), /no bearer token/);
    expect401(await verifier.verifyToken({ headers: {} } as IncomingMessage), /no bearer token/);
  });

  it('malformed token', async () => {
    expect401(await viaHttp('Bearer not-a-jwt'), /malformed/);
    expect401(await verifier.verifyBearer('a.b.c'), /malformed/);
  });

  it('expired (ttl 1 s), even after it was verified and cached', async () => {
    const token = await idp.tokenFor('supervisor', { ttlSeconds: 1 });
    const { payload } = decode(token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(1);
    expect((await verifier.verifyBearer(token)).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, (payload.exp as number) * 1000 - Date.now() + 100));
    expect401(await verifier.verifyBearer(token), /expired/);
  });

  it('tampered payload (region_code changed, signature kept)', async () => {
    const token = await idp.tokenFor('supervisor');
    const [head, body, signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${head}.${b64({ ...payload, region_code: '330000' })}.${signature}`;
    expect401(await verifier.verifyBearer(tampered), /signature/);
  });

  it('alg=none and HS256 signed with the public key', async () => {
    const payload = await claimsLike();
    expect401(
      await verifier.verifyBearer(`${b64({ alg: 'none', typ: 'JWT', kid: keys[0]!.kid })}.${b64(payload)}.`),
      /alg "none" is not RS256/,
    );
    const header = { alg: 'HS256', typ: 'JWT', kid: keys[0]!.kid };
    const data = `${b64(header)}.${b64(payload)}`;
    const publicPem = createPublicKey(realKey()).export({ type: 'spki', format: 'pem' });
    const hs = `${data}.${createHmac('sha256', publicPem).update(data).digest('base64url')}`;
    expect401(await verifier.verifyBearer(hs), /alg "HS256" is not RS256/);
  });

  it('wrong issuer: a token from another realm signed with the same key', async () => {
    const other = await startDevIdentityProvider({ port: 0, realm: 'other', keys });
    try {
      const token = await other.tokenFor('supervisor');
      expect(decode(token).header.kid).toBe(keys[0]!.kid);
      expect401(await verifier.verifyBearer(token), /wrong issuer/);
    } finally {
      await other.stop();
    }
  });

  it('wrong audience: a token for another resource', async () => {
    const token = await idp.tokenFor('supervisor', { audience: 'another-api' });
    expect(decode(token).payload.aud).toBe('another-api');
    expect401(await verifier.verifyBearer(token), /wrong audience/);
  });

  it('typ other than Bearer, no exp, no kid, or nbf in the future, even when signed by the realm key', async () => {
    const payload = await claimsLike();
    const header = { alg: 'RS256', typ: 'JWT', kid: keys[0]!.kid };
    expect401(await verifier.verifyBearer(signRs256(header, { ...payload, typ: 'ID' }, realKey())), /typ is not Bearer/);
    const { exp: _exp, ...noExp } = payload;
    expect401(await verifier.verifyBearer(signRs256(header, noExp, realKey())), /no exp/);
    expect401(await verifier.verifyBearer(signRs256({ alg: 'RS256', typ: 'JWT' }, payload, realKey())), /no kid/);
    expect401(await verifier.verifyBearer(signRs256(header, { ...payload, nbf: Math.floor(Date.now() / 1000) + 60 }, realKey())), /nbf/);
    // The same key signs a valid one: the hand-made tokens differ only in those claims.
    expect((await verifier.verifyBearer(signRs256(header, payload, realKey()))).ok).toBe(true);
  });
});

describe('realm keys', () => {
  it('after key rotation a new kid verifies once the JWKS is refetched; a key the realm never published does not', async () => {
    const p = await startDevIdentityProvider({ port: 0 });
    try {
      const v = createTokenVerifier(settingsFor(p, 0));
      const before = await p.tokenFor('inspector');
      expect((await v.verifyBearer(before)).ok).toBe(true);
      expect(p.jwksRequests()).toBe(1);
      p.rotateKeys();
      const after = await p.tokenFor('inspector');
      expect(decode(after).header.kid).not.toBe(decode(before).header.kid);
      expect((await v.verifyBearer(after)).ok).toBe(true);
      expect(p.jwksRequests()).toBe(2); // the new kid was fetched, not known beforehand
      // The old key stays published: tokens it signed still verify (fresh verifier, nothing cached).
      expect((await createTokenVerifier(settingsFor(p, 0)).verifyBearer(before)).ok).toBe(true);

      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = signRs256({ alg: 'RS256', typ: 'JWT', kid: 'made-up-kid' }, decode(after).payload, privateKey);
      expect401(await v.verifyBearer(forged), /unknown signing key/);
      // A published kid with the wrong key is a bad signature.
      const impostor = signRs256({ alg: 'RS256', typ: 'JWT', kid: decode(after).header.kid as string }, decode(after).payload, privateKey);
      expect401(await v.verifyBearer(impostor), /bad signature/);
    } finally {
      await p.stop();
    }
  });

  it('an unknown kid is refetched at most every minJwksIntervalSeconds', async () => {
    const p = await startDevIdentityProvider({ port: 0 });
    try {
      const v = createTokenVerifier(settingsFor(p, 1));
      expect((await v.verifyBearer(await p.tokenFor('inspector'))).ok).toBe(true);
      expect(p.jwksRequests()).toBe(1);
      p.rotateKeys();
      const rotated = await p.tokenFor('inspector');
      // Within the interval: refused without asking the realm, however often it is tried.
      for (let i = 0; i < 3; i++) expect401(await v.verifyBearer(rotated), /unknown signing key/);
      expect(p.jwksRequests()).toBe(1);
      // Past it: one refetch, and the new key verifies.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await v.verifyBearer(rotated)).ok).toBe(true);
      expect(p.jwksRequests()).toBe(2);
    } finally {
      await p.stop();
    }
  });

  it('a burst of first requests shares one JWKS fetch', async () => {
    const v = createTokenVerifier(settingsFor(idp, 0));
    const tokens = await Promise.all(
      ['supervisor', 'inspector', 'analyst', 'hospital-officer', 'demo-feed'].map((who) => idp.tokenFor(who)),
    );
    const before = idp.jwksRequests();
    const results = await Promise.all(tokens.map((t) => v.verifyBearer(t)));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    // Even with no throttle at all (interval 0): five verifications, one fetch.
    expect(idp.jwksRequests() - before).toBe(1);
  });

  it('the throttle holds while the realm is down: no refetch storm, no refetch the moment it is back', async () => {
    const p = await startDevIdentityProvider({ port: 0 });
    try {
      const token = await p.tokenFor('supervisor');
      await p.stop();
      const v = createTokenVerifier(settingsFor(p, 60));
      expect401(await v.verifyBearer(token), /JWKS unavailable: .*ECONNREFUSED/);
      await p.start();
      // The failed attempt counts: within the interval it is not retried, and the log still says why.
      expect401(await v.verifyBearer(token), /JWKS unavailable: .*ECONNREFUSED/);
      expect(p.jwksRequests()).toBe(0);
      // The control: a verifier free to fetch gets the key from the realm that is back.
      expect((await createTokenVerifier(settingsFor(p, 0)).verifyBearer(token)).ok).toBe(true);
      expect(p.jwksRequests()).toBe(1);
    } finally {
      await p.stop();
    }
  });

  it('a realm that accepts the connection but never answers: 401 after the JWKS timeout, one request for a burst', async () => {
    let requests = 0;
    const hung = createServer(() => void requests++);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    try {
      const realm = { serverUrl: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, realm: 'hung', audience: idp.audience };
      const v = createTokenVerifier({ ...settingsFor(realm, 0), jwksTimeoutSeconds: 0.3 });
      const token = signRs256(
        { alg: 'RS256', typ: 'JWT', kid: keys[0]!.kid },
        { ...(await claimsLike()), iss: `${realm.serverUrl}/realms/hung` },
        realKey(),
      );
      const started = performance.now();
      const results = await Promise.all([1, 2, 3].map(() => v.verifyBearer(token)));
      for (const result of results) expect401(result, /JWKS unavailable: no answer within 0.3 s/);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(requests).toBe(1);
    } finally {
      hung.closeAllConnections();
      await new Promise((resolve) => hung.close(resolve));
    }
  });

  it('a realm that is down and keys not yet cached: 401 naming the JWKS', async () => {
    const p = await startDevIdentityProvider({ port: 0 });
    const token = await p.tokenFor('supervisor');
    await p.stop();
    expect401(await createTokenVerifier(settingsFor(p, 0)).verifyBearer(token), /JWKS unavailable: .*ECONNREFUSED/);
  });

  it('verification survives the provider going down (cached keys), then it comes back', async () => {
    const p = await startDevIdentityProvider({ port: 0 });
    try {
      const v = createTokenVerifier(settingsFor(p));
      const first = await p.tokenFor('analyst');
      const issuedBeforeOutage = await p.tokenFor('supervisor');
      expect((await v.verifyBearer(first)).ok).toBe(true);
      await p.stop();
      await expect(fetch(`${p.issuer}/protocol/openid-connect/certs`)).rejects.toThrow();
      const result = await v.verifyBearer(issuedBeforeOutage);
      expect(result.ok && result.identity.roles).toEqual(['supervisor']);
      await p.start();
      expect((await v.verifyBearer(await p.tokenFor('inspector'))).ok).toBe(true);
      expect(p.jwksRequests()).toBe(1); // every token after the first was verified with the cached key
    } finally {
      await p.stop();
    }
  });
});

describe('403: a valid token that may not use the hub', () => {
  it('no hub role', async () => {
    expect403(await verifier.verifyBearer(await idp.tokenFor('no-role')), /no hub role/);
  });

  it('an administrator role combined with a business role', async () => {
    expect403(await verifier.verifyBearer(await idp.tokenFor('admin-and-supervisor')), /role separation/);
  });

  it('a supervisor without region_code', async () => {
    expect403(await viaHttp(`Bearer ${await idp.tokenFor('supervisor-without-region')}`), /without region_code/);
  });
});
