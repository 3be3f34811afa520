/** Development identity provider (a Keycloak-shaped realm on loopback) — never used in production. */
export {
  DEV_IDP_PORT,
  DEV_TTL_PARAM,
  startDevIdentityProvider,
  type DevIdentityProvider,
  type DevIdentityProviderOptions,
} from './provider.js';
export {
  CONSOLE_CLIENT_ID,
  DEMO_FEED,
  DEMO_SCOPE,
  demoAccounts,
  demoMachineClients,
  devPassword,
  type DemoAccount,
  type MachineClient,
} from './accounts.js';
export { generateSigningKey, type SigningJwk } from './keys.js';
export { requestToken, tokenEndpoint, TokenRequestError, type TokenGrant } from './token-request.js';
