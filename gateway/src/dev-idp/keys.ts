import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** A private RS256 signing key as a JWK (what oidc-provider's `jwks` takes; its JWKS shows the public half). */
export interface SigningJwk {
  kty: 'RSA';
  kid: string;
  alg: 'RS256';
  use: 'sig';
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

/** A fresh RSA-2048 key with a random kid (Keycloak's kids are base64url too). Never written to disk. */
export function generateSigningKey(): SigningJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Omit<SigningJwk, 'kid' | 'alg' | 'use'>;
  return { ...jwk, kty: 'RSA', kid: randomBytes(16).toString('base64url'), alg: 'RS256', use: 'sig' };
}
