/**
 * `npm start` — the whole hub in one process on the embedded default (or DATABASE_URL).
 * Ctrl-C (SIGINT) or SIGTERM stops the gateway, the subgraphs and the database, in that order.
 */
import { ConfigError } from '#common/config.js';
import { createLogger } from '#common/logger.js';
import { SAMPLE_QUERY } from '../gateway/src/server.js';
import { loadHubConfig, startHub } from './lib/hub.js';
import { ensureGenerated } from './lib/generation.js';
import { registry } from '../subgraphs/registry.js';
import { DEV_IDP_PORT } from '../gateway/src/dev-idp/accounts.js';

/** `npm run token` asks the development provider on its default port; say where it is otherwise. */
const tokenEnv = (serverUrl: string | undefined) =>
  serverUrl && serverUrl !== `http://127.0.0.1:${DEV_IDP_PORT}` ? `KEYCLOAK_URL=${serverUrl} ` : '';

try {
  // This process's configuration, read once (scripts/lib/hub.ts).
  const config = loadHubConfig(process.env);
  /** The banner times the whole run: from when npm ran the script (HUB_STARTED_AT, ms), else from this process's start. */
  const startedAt = config.HUB_STARTED_AT ?? performance.timeOrigin;
  const log = createLogger({ level: config.LOG_LEVEL, base: { service: 'hub' } });
  const generated = await ensureGenerated(registry);
  if (generated.ran.length) log.info('generated', { steps: generated.ran, seconds: Number(generated.seconds.toFixed(1)) });
  const hub = await startHub(config, log);
  // The first start builds the database (initdb in a second PGlite instance) and generates the demo
  // city: hundreds of MB that are garbage once done. Collect them now rather than at V8's leisure.
  (globalThis as { gc?: () => void }).gc?.();
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const rssMb = Math.round(process.memoryUsage().rss / 1048576);
  log.info('hub ready', { gateway: hub.gatewayUrl, embedded: hub.embedded, seconds: Number(seconds), rssMb, seeded: hub.seeded });
  process.stdout.write(
    `\nIntegrity Hub is up in ${seconds} s (RSS ${rssMb} MB) — ${hub.embedded ? 'embedded PostgreSQL' : 'PostgreSQL from DATABASE_URL'}\n` +
      `  GraphQL: ${hub.gatewayUrl}${config.NODE_ENV === 'production' ? '' : '  (open it in a browser for GraphiQL; add the authorization header below)'}\n` +
      (hub.idp
        ? `  Identity provider (development only): ${hub.idp.serverUrl}/realms/${hub.idp.realm}\n` +
          `    demo users: supervisor, inspector, hospital-officer, analyst, system-admin, security-admin, audit-admin; client demo-feed\n`
        : '') +
      `  Try:\n    TOKEN=$(${tokenEnv(hub.idp?.serverUrl)}npm run -s token -- supervisor)\n` +
      `    curl -s ${hub.gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n` +
      `      -d '{"query":"{ hospitals(first: 3) { totalCount nodes { code name level staffCount } } }"}'\n\n` +
      SAMPLE_QUERY.replace(/^/gm, '    ') +
      '\n\nPress Ctrl-C to stop.\n',
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await hub.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof ConfigError) console.error(err.message);
  else if (code === 'EADDRINUSE') {
    console.error(
      `${(err as Error).message}. Stop it, or choose other ports: PORT (gateway), ${registry.map((s) => `${s.name.toUpperCase()}_PORT`).join(', ')}, EMBEDDED_PG_PORT, DEV_IDP_PORT.`,
    );
  } else console.error(err);
  process.exit(1);
}
