/**
 * npm run -s token -- <role> [--username u --password p] [--client-id id --secret s]
 *
 * Prints an access token (only the token, on stdout) so `TOKEN=$(npm run -s token -- supervisor)`
 * works. Asks the realm at KEYCLOAK_URL (default: the development provider `npm start` runs) the
 * way a console or a government system would: the password grant (Keycloak's Direct Access
 * Grants) through TOKEN_CLIENT_ID for a person, client credentials (demo-feed) for machine-client.
 * Against a real realm pass --username/--password (and --secret for a confidential client).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseConfig } from '#common/config.js';
import { CONSOLE_CLIENT_ID, DEMO_FEED, DEV_IDP_PORT, devPassword } from '../gateway/src/dev-idp/accounts.js';
import { hubRoles } from '#common/identity.js';
import { requestToken, tokenEndpoint, TokenRequestError, type TokenGrant } from '../gateway/src/dev-idp/token-request.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { username: { type: 'string' }, password: { type: 'string' }, 'client-id': { type: 'string' }, secret: { type: 'string' } },
});
const role = positionals[0];
if (!role) {
  console.error(
    `usage: npm run -s token -- <role> [--username u --password p] [--client-id id --secret s]\n  roles: ${hubRoles.join(', ')}`,
  );
  process.exit(2);
}

let config;
try {
  config = parseConfig(
    z.object({
      KEYCLOAK_URL: z.string().url().default(`http://127.0.0.1:${DEV_IDP_PORT}`),
      KEYCLOAK_REALM: z.string().min(1).default('integrity-hub'),
      TOKEN_CLIENT_ID: z.string().min(1).default(CONSOLE_CLIENT_ID),
      TOKEN_CLIENT_SECRET: z.string().optional(),
    }),
    process.env,
  );
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}
const serverUrl = config.KEYCLOAK_URL;
const realm = config.KEYCLOAK_REALM;
const grant: TokenGrant =
  role === 'machine-client'
    ? {
        kind: 'client',
        clientId: values['client-id'] ?? DEMO_FEED.clientId,
        secret: values.secret ?? config.TOKEN_CLIENT_SECRET ?? DEMO_FEED.secret,
      }
    : {
        kind: 'password',
        clientId: values['client-id'] ?? config.TOKEN_CLIENT_ID,
        clientSecret: values.secret ?? config.TOKEN_CLIENT_SECRET,
        username: values.username ?? role,
        password: values.password ?? devPassword(role),
      };

try {
  process.stdout.write(`${await requestToken(tokenEndpoint(serverUrl, realm), grant)}\n`);
} catch (err) {
  if (!(err instanceof TokenRequestError)) throw err;
  const hint =
    err.status === null
      ? ': start the hub with npm start first, or set KEYCLOAK_URL'
      : err.status === 404
        ? ` (is realm ${realm} right? KEYCLOAK_REALM)`
        : '';
  console.error(`${err.message}${hint}`);
  process.exit(1);
}
