import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import Provider, {
  errors,
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { HubRole } from '#common/identity.js';
import {
  CONSOLE_CLIENT_ID,
  DEMO_SCOPE,
  DEV_IDP_PORT,
  demoAccounts,
  demoMachineClients,
  subjectOf,
  type DemoAccount,
  type MachineClient,
} from './accounts.js';
import { generateSigningKey, type SigningJwk } from './keys.js';
import { requestToken, tokenEndpoint } from './token-request.js';

export { DEV_IDP_PORT } from './accounts.js';
/** Access-token lifetime unless a request asks for another (Keycloak's default is 300 s too). */
const DEFAULT_TTL_SECONDS = 300;
/**
 * Form parameter of a token request that sets that token's lifetime (1 … 3600 s). Only this
 * provider reads it; Keycloak ignores unknown parameters. Lets tests see a token expire in 1 s.
 */
export const DEV_TTL_PARAM = 'dev_token_ttl';

export interface DevIdentityProvider {
  /** `auth-server-url`: http://127.0.0.1:<port> (the realm lives under /realms/<realm>). */
  serverUrl: string;
  realm: string;
  issuer: string;
  audience: string;
  /** A real HTTP token request: password grant (client hub-console) for a user, client_credentials for a machine client. */
  tokenFor(who: string, opts?: { ttlSeconds?: number; audience?: string }): Promise<string>;
  addAccount(account: DemoAccount): void;
  addMachineClient(client: MachineClient): void;
  /** A new RS256 key (new kid) becomes the signing key; the old ones stay in the JWKS. */
  rotateKeys(): void;
  /** How many requests reached the JWKS endpoint (…/protocol/openid-connect/certs) so far: tests count key fetches with it. */
  jwksRequests(): number;
  stop(): Promise<void>;
  /** Listen again on the same port (after stop(): "provider down" tests). */
  start(): Promise<void>;
}

export interface DevIdentityProviderOptions {
  /** 0 = any free port; default DEV_IDP_PORT. */
  port?: number;
  host?: string;
  realm?: string;
  audience?: string;
  /** Default: demoAccounts(DEMO_SCOPE). */
  accounts?: DemoAccount[];
  /** Default: demo-feed (machine-client of the demo city). */
  machineClients?: MachineClient[];
  /** Signing keys, first signs (default: one fresh key). Share them to get a second realm with the same keys. */
  keys?: SigningJwk[];
  /** The caller's NODE_ENV, from its configuration (scripts/lib/hub.ts, scripts/dev-idp.ts): refuses to start when it is `production`. */
  nodeEnv?: string;
}

/** Resource indicators must be absolute URIs (RFC 8707); the token's `aud` is the name after the prefix. */
const RESOURCE_PREFIX = 'urn:audience:';
/** Keycloak's JWKS path under the realm. */
const JWKS_ROUTE = '/protocol/openid-connect/certs';
const resourceFor = (audience: string) => `${RESOURCE_PREFIX}${audience}`;

/** oidc-provider storage in memory, per provider; clients come from the live client table so they can be added at any time. */
function memoryAdapter(clients: Map<string, ClientMetadata>) {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const find = async (id: string) => {
      if (model === 'Client') return clients.get(id);
      const entry = store.get(key(id));
      if (!entry) return undefined;
      if (entry.expiresAt > Date.now()) return entry.payload;
      store.delete(key(id));
      return undefined;
    };
    const findBy = (field: 'uid' | 'userCode') => async (value: string) =>
      [...store.entries()].find(([k, e]) => k.startsWith(`${model}:`) && e.payload[field] === value && e.expiresAt > Date.now())?.[1]
        .payload;
    return {
      async upsert(id, payload, expiresIn) {
        if (store.size > 10_000) for (const [k, e] of store) if (e.expiresAt <= Date.now()) store.delete(k);
        store.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
      },
      find,
      findByUid: findBy('uid'),
      findByUserCode: findBy('userCode'),
      async consume(id) {
        const entry = store.get(key(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, e] of store) if (e.payload.grantId === grantId) store.delete(k);
      },
    };
  };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function requestedTtl(ctx: KoaContextWithOIDC | undefined): number | undefined {
  const raw = ctx?.oidc?.body?.[DEV_TTL_PARAM];
  const ttl = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isInteger(ttl) && ttl >= 1 && ttl <= 3600 ? ttl : undefined;
}

/**
 * An OpenID provider on loopback shaped like a Keycloak realm, for development (`npm start`) and
 * tests: oidc-provider 9 mounted at /realms/<realm> with Keycloak's endpoint paths, RS256 JWT
 * access tokens with `aud` = the hub and Keycloak's claims (typ, azp, realm_access,
 * resource_access, region_code, hospital_code, preferred_username). Users log in with the password
 * grant (Keycloak's Direct Access Grants) through the public client hub-console; machine clients
 * with client credentials. Keys live in memory only. Refuses to run in production.
 */
export async function startDevIdentityProvider(opts: DevIdentityProviderOptions = {}): Promise<DevIdentityProvider> {
  if (opts.nodeEnv === 'production') {
    throw new Error('the development identity provider does not run with NODE_ENV=production: use a real Keycloak (KEYCLOAK_URL)');
  }
  const host = opts.host ?? '127.0.0.1';
  const realm = opts.realm ?? 'integrity-hub';
  const audience = opts.audience ?? 'integrity-hub';
  const prefix = `/realms/${realm}`;
  const keys = [...(opts.keys ?? [generateSigningKey()])];

  const users = new Map<string, DemoAccount & { subject: string }>();
  const usersBySubject = new Map<string, DemoAccount>();
  const machines = new Map<string, MachineClient>();
  const clients = new Map<string, ClientMetadata>();
  clients.set(CONSOLE_CLIENT_ID, {
    client_id: CONSOLE_CLIENT_ID,
    token_endpoint_auth_method: 'none',
    grant_types: ['password'],
    response_types: [],
    redirect_uris: [],
  });
  const adapter = memoryAdapter(clients);

  const addAccount = (account: DemoAccount) => {
    const subject = subjectOf(realm, account.username);
    users.set(account.username, { ...account, subject });
    usersBySubject.set(subject, account);
  };
  const addMachineClient = (client: MachineClient) => {
    machines.set(client.clientId, client);
    clients.set(client.clientId, {
      client_id: client.clientId,
      client_secret: client.secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    });
  };
  (opts.accounts ?? demoAccounts(DEMO_SCOPE)).forEach(addAccount);
  (opts.machineClients ?? demoMachineClients(DEMO_SCOPE)).forEach(addMachineClient);

  const jwksPath = `${prefix}${JWKS_ROUTE}`;
  let jwksRequests = 0;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === jwksPath || url.startsWith(`${jwksPath}?`)) jwksRequests++;
    if (url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`)) {
      // Mounted like Express does it: oidc-provider derives its endpoints' URLs from originalUrl − url.
      Object.assign(req, { originalUrl: url });
      req.url = url.slice(prefix.length) || '/';
      void handler(req, res); // oidc-provider answers (and reports its own errors) through res
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Realm does not exist' }));
  });
  await listen(server, opts.port ?? DEV_IDP_PORT, host);
  const port = (server.address() as AddressInfo).port;
  const serverUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const issuer = `${serverUrl}${prefix}`;
  const cookieKeys = [randomBytes(32).toString('base64url')];

  /** Keycloak's claim shape, from the account (password grant) or the machine client (client credentials). */
  const keycloakClaims: NonNullable<Configuration['extraTokenClaims']> = (_ctx, token) => {
    const clientId = token.clientId ?? '';
    const who = token.kind === 'ClientCredentials' ? machines.get(clientId) : usersBySubject.get(String(token.accountId));
    if (!who) return { typ: 'Bearer', azp: clientId };
    const roles: HubRole[] = [...who.roles];
    const resource = token.resourceServer?.audience ?? audience;
    return {
      typ: 'Bearer',
      azp: clientId,
      preferred_username: 'username' in who ? who.username : `service-account-${clientId}`,
      realm_access: { roles: [...roles, 'offline_access', `default-roles-${realm}`] },
      resource_access: { [resource]: { roles } },
      ...(who.regionCode ? { region_code: who.regionCode } : {}),
      ...(who.hospitalCode ? { hospital_code: who.hospitalCode } : {}),
    };
  };

  const resourceServerInfo = (indicator: string) => {
    if (!indicator.startsWith(RESOURCE_PREFIX) || indicator.length === RESOURCE_PREFIX.length) throw new errors.InvalidTarget();
    return {
      audience: indicator.slice(RESOURCE_PREFIX.length),
      scope: '',
      accessTokenFormat: 'jwt' as const,
      jwt: { sign: { alg: 'RS256' as const } },
    };
  };

  /** Keycloak's Direct Access Grants: username + password at the token endpoint, a JWT access token for the user. */
  function registerPasswordGrant(provider: Provider) {
    provider.registerGrantType<{ username?: string; password?: string; resource?: string }>(
      'password',
      async (ctx) => {
        const { client, params } = ctx.oidc;
        const user = users.get(String(params.username ?? ''));
        if (!user || !sameSecret(user.password, String(params.password ?? ''))) throw new errors.InvalidGrant('Invalid user credentials');
        const indicator = typeof params.resource === 'string' ? params.resource : resourceFor(audience);
        const grant = new provider.Grant({ accountId: user.subject, clientId: client.clientId });
        grant.addResourceScope(indicator, '');
        const grantId = await grant.save();
        const token = new provider.AccessToken({ accountId: user.subject, client, grantId, gty: 'password' });
        token.resourceServer = new provider.ResourceServer(indicator, resourceServerInfo(indicator));
        ctx.oidc.entity('AccessToken', token);
        const value = await token.save();
        ctx.body = { access_token: value, expires_in: token.expiration, token_type: 'Bearer', 'not-before-policy': 0, scope: '' };
      },
      ['username', 'password', 'scope', 'resource'],
      ['resource'],
    );
  }

  function buildProvider(): Provider {
    const ttl = (ctx: KoaContextWithOIDC) => requestedTtl(ctx) ?? DEFAULT_TTL_SECONDS;
    const configuration: Configuration = {
      adapter,
      jwks: { keys: keys.map((k) => ({ ...k })) },
      cookies: { keys: cookieKeys },
      routes: {
        authorization: '/protocol/openid-connect/auth',
        token: '/protocol/openid-connect/token',
        jwks: JWKS_ROUTE,
        userinfo: '/protocol/openid-connect/userinfo',
        end_session: '/protocol/openid-connect/logout',
        revocation: '/protocol/openid-connect/revoke',
        introspection: '/protocol/openid-connect/token/introspect',
      },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resourceFor(audience),
          getResourceServerInfo: (_ctx, indicator) => resourceServerInfo(indicator),
          useGrantedResource: () => true,
        },
      },
      ttl: { AccessToken: ttl, ClientCredentials: ttl, Grant: 3600 },
      extraTokenClaims: keycloakClaims,
      // Keycloak signs access tokens with header typ "JWT" (oidc-provider's default is "at+jwt").
      formats: { customizers: { jwt: (_ctx, _token, jwt) => void (jwt.header = { typ: 'JWT' }) } },
      findAccount: (_ctx, sub) => (usersBySubject.has(sub) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
    };
    const provider = new Provider(issuer, configuration);
    registerPasswordGrant(provider);
    return provider;
  }

  let handler = buildProvider().callback();

  async function tokenFor(who: string, options: { ttlSeconds?: number; audience?: string } = {}): Promise<string> {
    const machine = machines.get(who);
    const user = machine ? undefined : users.get(who);
    if (!machine && !user) throw new Error(`no account or machine client named ${who}`);
    const extra: Record<string, string> = {};
    if (options.audience) extra.resource = resourceFor(options.audience);
    if (options.ttlSeconds) extra[DEV_TTL_PARAM] = String(options.ttlSeconds);
    return requestToken(
      tokenEndpoint(serverUrl, realm),
      machine
        ? { kind: 'client', clientId: machine.clientId, secret: machine.secret }
        : { kind: 'password', clientId: CONSOLE_CLIENT_ID, username: user!.username, password: user!.password },
      extra,
    );
  }

  return {
    serverUrl,
    realm,
    issuer,
    audience,
    tokenFor,
    addAccount,
    addMachineClient,
    rotateKeys() {
      keys.unshift(generateSigningKey());
      handler = buildProvider().callback();
    },
    jwksRequests: () => jwksRequests,
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    async start() {
      if (!server.listening) await listen(server, port, host);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: set DEV_IDP_PORT (or KEYCLOAK_URL for a real Keycloak)`) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
