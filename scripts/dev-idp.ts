/**
 * `npm run idp` — the development identity provider alone (npm start runs it itself): for a
 * gateway started on its own (`npm run start:gateway`, or the production-mode security scan in
 * docs/security.md) with KEYCLOAK_URL=http://127.0.0.1:${DEV_IDP_PORT}. Refused in production.
 */
import { z } from 'zod';
import { env, parseConfig } from '#common/config.js';
import { DEMO_SCOPE, DEV_IDP_PORT, demoAccounts, demoMachineClients, startDevIdentityProvider } from '../gateway/src/dev-idp/index.js';

try {
  const config = parseConfig(z.object({ NODE_ENV: env.nodeEnv(), DEV_IDP_PORT: env.port(DEV_IDP_PORT) }), process.env);
  const idp = await startDevIdentityProvider({
    port: config.DEV_IDP_PORT,
    nodeEnv: config.NODE_ENV,
    accounts: demoAccounts(DEMO_SCOPE),
    machineClients: demoMachineClients(DEMO_SCOPE),
  });
  process.stdout.write(
    `Development identity provider: ${idp.issuer}\n  KEYCLOAK_URL=${idp.serverUrl}\n  npm run -s token -- supervisor\nPress Ctrl-C to stop.\n`,
  );
  const stop = () => void idp.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
