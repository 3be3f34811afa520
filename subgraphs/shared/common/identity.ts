/**
 * Who is calling, as vouched for by the gateway. The gateway verifies the caller's token once
 * (`verifyToken()` in gateway/src/auth.ts), turns its claims into an `Identity` here
 * (`identityFromClaims`), and forwards it to each subgraph in one signed header
 * (identity-signature.ts); subgraphs read it there and nowhere else.
 */
export const IDENTITY_HEADER = 'x-hub-identity';

/**
 * Realm roles the hub understands (docs/identity.md). Keycloak's own roles
 * (offline_access, default-roles-…) are ignored. The three administrator roles are 等保
 * three-role separation: none of them reads business data, and no token may combine one with
 * any other hub role.
 */
export const businessRoles = ['supervisor', 'inspector', 'hospital-officer', 'analyst', 'machine-client'] as const;
export const adminRoles = ['system-admin', 'security-admin', 'audit-admin'] as const;
export const hubRoles = [...businessRoles, ...adminRoles] as const;
export type BusinessRole = (typeof businessRoles)[number];
export type AdminRole = (typeof adminRoles)[number];
export type HubRole = (typeof hubRoles)[number];

const hubRoleSet: ReadonlySet<string> = new Set(hubRoles);
export const isHubRole = (role: string): role is HubRole => hubRoleSet.has(role);

export interface Identity {
  /** `sub` of the token, or null for an anonymous caller. */
  subject: string | null;
  /** `azp` — the client the token was issued to. */
  clientId: string | null;
  /** `machine` for a client-credentials token (role machine-client), `user` for a person. */
  kind: 'user' | 'machine' | 'anonymous';
  roles: readonly HubRole[];
  /** Region subtree the caller is scoped to (GB/T 2260, claim `region_code`), if any. */
  regionCode: string | null;
  /** Hospital the caller is scoped to (统一社会信用代码, claim `hospital_code`), if any. */
  hospitalCode: string | null;
}

export const anonymousIdentity: Identity = Object.freeze({
  subject: null,
  clientId: null,
  kind: 'anonymous',
  roles: Object.freeze([]),
  regionCode: null,
  hospitalCode: null,
});

/** The part of a verified access token the hub reads (Keycloak's shape). */
export interface TokenClaims {
  sub?: unknown;
  azp?: unknown;
  /** `{ roles: [...] }` in Keycloak's tokens; anything else is read as no roles. */
  realm_access?: unknown;
  /** `{ <client>: { roles: [...] } }` in Keycloak's tokens; anything else is read as no roles. */
  resource_access?: unknown;
  region_code?: unknown;
  hospital_code?: unknown;
  [claim: string]: unknown;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const REGION = /^\d{6}$/;
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/**
 * Claims → Identity, or the reason a valid token may not use the hub (→ 403, reason logged).
 * Roles come from `realm_access.roles` and `resource_access.<audience>.roles`; scope from
 * `region_code` / `hospital_code` (Keycloak user or client attributes mapped into the token).
 */
export function identityFromClaims(claims: TokenClaims, audience: string): { identity: Identity } | { reason: string } {
  const realm = (claims.realm_access ?? {}) as { roles?: unknown };
  const resource = ((claims.resource_access ?? {}) as Record<string, { roles?: unknown } | undefined>)[audience] ?? {};
  const roles = [...new Set([...strings(realm.roles), ...strings(resource.roles)].filter(isHubRole))].sort();
  if (roles.length === 0) return { reason: 'token carries no hub role' };
  const admin = roles.filter((r) => (adminRoles as readonly string[]).includes(r));
  if (admin.length > 0 && roles.length > 1) return { reason: `role separation: ${roles.join(', ')} may not be combined` };
  const regionCode = typeof claims.region_code === 'string' && claims.region_code !== '' ? claims.region_code : null;
  const hospitalCode = typeof claims.hospital_code === 'string' && claims.hospital_code !== '' ? claims.hospital_code.toUpperCase() : null;
  if (regionCode !== null && !REGION.test(regionCode)) return { reason: 'region_code is not a GB/T 2260 code' };
  if (hospitalCode !== null && !USCC.test(hospitalCode)) return { reason: 'hospital_code is not a 统一社会信用代码' };
  if (roles.includes('hospital-officer') && !hospitalCode) return { reason: 'hospital-officer without hospital_code' };
  if (roles.some((r) => r !== 'hospital-officer' && (businessRoles as readonly string[]).includes(r)) && !regionCode && !hospitalCode) {
    return { reason: `${roles.join(', ')} without region_code` };
  }
  const subject = typeof claims.sub === 'string' ? claims.sub : null;
  const clientId = typeof claims.azp === 'string' ? claims.azp : null;
  const kind = roles.includes('machine-client') ? 'machine' : 'user';
  return { identity: Object.freeze({ subject, clientId, kind, roles: Object.freeze(roles), regionCode, hospitalCode }) };
}

export const hasRole = (identity: Identity, roles: readonly string[]): boolean => identity.roles.some((r) => roles.includes(r));

/**
 * Everything about a caller that can change an answer: kind, roles, region and hospital scope, and
 * the stated unmask reason (it decides masking). Two requests with the same scope key get the same
 * data from every subgraph, so the gateway may share one answer between them (collapsed client
 * operations, deduplicated subgraph fetches). `subject` and `clientId` are deliberately not part of
 * it: no resolver reads them (audit entries are still written per caller). A resolver that ever
 * answers per person must add `subject` here — identity.test.ts makes that decision explicit.
 */
export const scopeFields = ['kind', 'roles', 'regionCode', 'hospitalCode'] as const satisfies readonly (keyof Identity)[];
export const unscopedFields = ['subject', 'clientId'] as const satisfies readonly (keyof Identity)[];

export function identityScopeKey(identity: Identity, reason: string | null): string {
  // Built from scopeFields, so a field added there is in the key too (roles in a canonical order).
  return JSON.stringify([...scopeFields.map((field) => (field === 'roles' ? [...identity.roles].sort() : identity[field])), reason]);
}
