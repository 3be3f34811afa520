import { createHash } from 'node:crypto';
import { hubRoles, type HubRole } from '#common/identity.js';

/** A person in the development realm (Keycloak: a user with realm roles and attributes). */
export interface DemoAccount {
  username: string;
  password: string;
  roles: HubRole[];
  regionCode?: string;
  hospitalCode?: string;
}

/** A service account (Keycloak: confidential client with service accounts enabled). */
export interface MachineClient {
  clientId: string;
  secret: string;
  roles: HubRole[];
  regionCode?: string;
  hospitalCode?: string;
}

/** Default port of the development provider; `npm run token` looks here unless KEYCLOAK_URL says otherwise. */
export const DEV_IDP_PORT = 4080;

/** The demo city the seed loads (湖州市, 浙江省) and its first hospital (吴兴区第1人民医院). */
export const DEMO_SCOPE = { regionCode: '330500', provinceCode: '330000', hospitalCode: '12330502000000019W' } as const;

/** Development passwords and secrets: the same in deploy/keycloak/integrity-hub-realm.json. */
export const devPassword = (role: string) => `${role}-dev`;
export const DEMO_FEED = { clientId: 'demo-feed', secret: 'demo-feed-dev-secret' } as const;
export const CONSOLE_CLIENT_ID = 'hub-console';

/**
 * One user per hub role except machine-client (a client, not a person), each with the scope
 * `identityFromClaims` needs: supervisor and inspector the city, analyst the province,
 * hospital-officer one hospital, administrators none. Username = role, password = `<role>-dev`.
 */
export function demoAccounts(scope: { regionCode: string; provinceCode: string; hospitalCode: string }): DemoAccount[] {
  const scopeOf: Record<HubRole, Pick<DemoAccount, 'regionCode' | 'hospitalCode'> | null> = {
    supervisor: { regionCode: scope.regionCode },
    inspector: { regionCode: scope.regionCode },
    'hospital-officer': { hospitalCode: scope.hospitalCode },
    analyst: { regionCode: scope.provinceCode },
    'machine-client': null,
    'system-admin': {},
    'security-admin': {},
    'audit-admin': {},
  };
  return hubRoles.flatMap((role) => {
    const attributes = scopeOf[role];
    return attributes ? [{ username: role, password: devPassword(role), roles: [role], ...attributes }] : [];
  });
}

export function demoMachineClients(scope: { regionCode: string }): MachineClient[] {
  return [{ ...DEMO_FEED, roles: ['machine-client'], regionCode: scope.regionCode }];
}

/** Keycloak user ids are UUIDs; derive one from realm + username so `sub` is stable across restarts. */
export function subjectOf(realm: string, username: string): string {
  const h = createHash('sha256').update(`${realm}\0${username}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
