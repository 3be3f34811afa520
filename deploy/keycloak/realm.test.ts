import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_FEED, DEMO_SCOPE, demoAccounts } from '../../gateway/src/dev-idp/accounts.js';
import { hubRoles, identityFromClaims, type TokenClaims } from '#common/identity.js';

/**
 * The Keycloak realm export deployments import must agree with what the hub reads: every hub role,
 * one user per role whose token passes `identityFromClaims`, the mappers that put aud,
 * region_code and hospital_code into access tokens, and the same accounts as the development provider.
 */

interface Mapper {
  name: string;
  protocolMapper: string;
  config: Record<string, string>;
}
interface Realm {
  realm: string;
  roles: { realm: { name: string }[] };
  clients: {
    clientId: string;
    publicClient?: boolean;
    bearerOnly?: boolean;
    standardFlowEnabled?: boolean;
    directAccessGrantsEnabled?: boolean;
    serviceAccountsEnabled?: boolean;
    implicitFlowEnabled?: boolean;
    secret?: string;
    attributes?: Record<string, string>;
    defaultClientScopes?: string[];
  }[];
  clientScopes: { name: string; protocolMappers?: Mapper[] }[];
  defaultDefaultClientScopes: string[];
  users: {
    username: string;
    enabled: boolean;
    serviceAccountClientId?: string;
    attributes?: Record<string, string[]>;
    realmRoles?: string[];
    credentials?: { type: string; value: string; temporary: boolean }[];
    requiredActions?: string[];
  }[];
}

const realm = JSON.parse(readFileSync(new URL('./integrity-hub-realm.json', import.meta.url), 'utf8')) as Realm;
const AUDIENCE = 'integrity-hub';
const client = (id: string) => realm.clients.find((c) => c.clientId === id);

/** The access token Keycloak would issue for a user of this export (mappers of the default scopes). */
const claimsOf = (user: Realm['users'][number], azp: string): TokenClaims => ({
  sub: `id-of-${user.username}`,
  azp,
  realm_access: { roles: user.realmRoles ?? [] },
  region_code: user.attributes?.region_code?.[0],
  hospital_code: user.attributes?.hospital_code?.[0],
});

describe('deploy/keycloak/integrity-hub-realm.json', () => {
  it('is realm integrity-hub with every hub role', () => {
    expect(realm.realm).toBe('integrity-hub');
    const roles = realm.roles.realm.map((r) => r.name);
    for (const role of hubRoles) expect(roles).toContain(role);
  });

  it('has one person per role (machine-client is a service account) whose token the hub accepts with that role', () => {
    const people = realm.users.filter((u) => !u.serviceAccountClientId);
    for (const role of hubRoles.filter((r) => r !== 'machine-client')) {
      const holders = people.filter((u) => u.realmRoles?.includes(role));
      expect(
        holders.map((u) => u.username),
        role,
      ).toEqual([role]);
      const user = holders[0]!;
      expect(user.enabled).toBe(true);
      expect(user.requiredActions ?? []).toEqual([]);
      expect(user.credentials).toEqual([{ type: 'password', value: `${role}-dev`, temporary: false }]);
      const mapped = identityFromClaims(claimsOf(user, 'hub-console'), AUDIENCE);
      expect(mapped, role).toHaveProperty('identity');
      if ('identity' in mapped) expect(mapped.identity).toMatchObject({ kind: 'user', roles: [role] });
    }
  });

  it('gives demo-feed a service account with machine-client and a region', () => {
    const feed = client(DEMO_FEED.clientId);
    expect(feed).toMatchObject({
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
      secret: DEMO_FEED.secret,
    });
    const account = realm.users.find((u) => u.serviceAccountClientId === DEMO_FEED.clientId);
    expect(account?.realmRoles).toContain('machine-client');
    const mapped = identityFromClaims(claimsOf(account!, DEMO_FEED.clientId), AUDIENCE);
    expect('identity' in mapped && mapped.identity).toMatchObject({
      kind: 'machine',
      clientId: 'demo-feed',
      regionCode: DEMO_SCOPE.regionCode,
    });
  });

  it('has the resource client, the console (public, PKCE, direct grants for development)', () => {
    expect(client(AUDIENCE)).toMatchObject({
      publicClient: false,
      bearerOnly: true,
      standardFlowEnabled: false,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
    });
    expect(client('hub-console')).toMatchObject({
      publicClient: true,
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: true,
      attributes: { 'pkce.code.challenge.method': 'S256' },
    });
  });

  it('maps aud, region_code and hospital_code into access tokens by a default client scope', () => {
    const scope = realm.clientScopes.find((s) => s.name === 'integrity-hub-claims');
    expect(realm.defaultDefaultClientScopes).toContain('integrity-hub-claims');
    for (const id of ['hub-console', 'demo-feed']) expect(client(id)?.defaultClientScopes).toContain('integrity-hub-claims');
    const mappers = scope?.protocolMappers ?? [];
    const audience = mappers.find((m) => m.protocolMapper === 'oidc-audience-mapper');
    expect(audience?.config).toMatchObject({ 'included.client.audience': AUDIENCE, 'access.token.claim': 'true' });
    for (const claim of ['region_code', 'hospital_code']) {
      const mapper = mappers.find((m) => m.protocolMapper === 'oidc-usermodel-attribute-mapper' && m.config['user.attribute'] === claim);
      expect(mapper?.config, claim).toMatchObject({ 'claim.name': claim, 'access.token.claim': 'true' });
    }
    // realm_access.roles comes from the roles scope, sub from basic (Keycloak ≥ 25): both must be there.
    const roles = realm.clientScopes.find((s) => s.name === 'roles')?.protocolMappers ?? [];
    expect(roles.find((m) => m.protocolMapper === 'oidc-usermodel-realm-role-mapper')?.config['claim.name']).toBe('realm_access.roles');
    expect(realm.clientScopes.find((s) => s.name === 'basic')?.protocolMappers?.map((m) => m.protocolMapper)).toContain('oidc-sub-mapper');
  });

  it('has the same people, passwords and scopes as the development provider', () => {
    for (const account of demoAccounts(DEMO_SCOPE)) {
      const user = realm.users.find((u) => u.username === account.username);
      expect(user?.realmRoles?.filter((r) => (hubRoles as readonly string[]).includes(r))).toEqual(account.roles);
      expect(user?.credentials?.[0]?.value).toBe(account.password);
      expect(user?.attributes?.region_code?.[0]).toBe(account.regionCode);
      expect(user?.attributes?.hospital_code?.[0]).toBe(account.hospitalCode);
    }
  });
});
