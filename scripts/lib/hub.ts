import { existsSync } from 'node:fs';
import { z } from 'zod';
import { env, parseConfig } from '#common/config.js';
import { startEmbeddedPostgres } from '#platform/db/embedded.js';
import { applyMigrations, migrationsDirFor } from '#platform/db/migrate.js';
import { auditWriterUrl, provisionAuditWriter, provisionSubgraphSchema, subgraphUrl } from '#platform/db/provision.js';
import { listen, type RunningHttpServer } from '#common/http.js';
import type { Logger } from '#common/logger.js';
import { isEmpty, runSeeds } from '#platform/seed/run.js';
import type { Scale, SeedTarget, SubgraphSeed } from '#platform/seed/types.js';
import { startSubgraph, type RunningSubgraph } from '#platform/subgraph.js';
import { registry, subgraphNamed } from '../../subgraphs/registry.js';
import { withSchema } from '#prisma-engine/pg-admin.mjs';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/server.js';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { loadSigningKey } from '#common/identity-signature.js';
import { DEV_IDP_PORT, DEMO_SCOPE, demoAccounts, demoMachineClients, startDevIdentityProvider, type DevIdentityProvider } from '../../gateway/src/dev-idp/index.js';

/** Configuration of the whole hub in one process (`npm start`); every variable is in the README. */
export const hubConfigSchema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  /** An admin URL of a real PostgreSQL; unset → the embedded PGlite database. */
  DATABASE_URL: env.url().optional(),
  HUB_DATA_DIR: z.string().default('.data/pglite'),
  EMBEDDED_PG_PORT: env.port(54320),
  HOST: z.string().default('127.0.0.1'),
  HUB_SEED: z.enum(['auto', 'never']).default('auto'),
  HUB_SEED_SCALE: z.enum(['city', 'province']).default('city'),
  DB_POOL_SIZE: env.int(10, 1),
  /** Port of the development identity provider (started when KEYCLOAK_URL is unset, never in production). */
  DEV_IDP_PORT: env.port(DEV_IDP_PORT),
});
export type HubConfig = z.infer<typeof hubConfigSchema>;

export interface RunningHub {
  gatewayUrl: string;
  databaseUrl: string;
  embedded: boolean;
  seeded: Record<string, Record<string, number>>;
  subgraphs: RunningSubgraph<unknown>[];
  /** The development identity provider, when the hub started one (no KEYCLOAK_URL, not production). */
  idp: DevIdentityProvider | null;
  stop(): Promise<void>;
}

/**
 * Bring the hub up: database (embedded or given), migrations, demo data when empty, every
 * subgraph on its port, then the gateway. Stops in reverse order.
 */
export async function startHub(source: Record<string, string | undefined>, log: Logger): Promise<RunningHub> {
  const config = parseConfig(hubConfigSchema, source);
  const stops: { name: string; fn: () => Promise<void> }[] = [];
  const stop = async () => {
    for (const { name, fn } of stops.reverse()) {
      log.debug('stopping', { part: name });
      await fn().catch((err: unknown) => log.error('stop failed', { part: name, err }));
    }
  };
  try {
    let adminUrl = config.DATABASE_URL;
    const embedded = !adminUrl;
    if (!adminUrl) {
      const fresh = !existsSync(config.HUB_DATA_DIR);
      const pg = await startEmbeddedPostgres({ dataDir: config.HUB_DATA_DIR, host: '127.0.0.1', port: config.EMBEDDED_PG_PORT, log: (m) => log.debug(m) });
      stops.push({ name: 'embedded database', fn: () => pg.stop() });
      adminUrl = pg.url;
      log.info(fresh ? 'embedded PostgreSQL created' : 'embedded PostgreSQL opened', { dataDir: config.HUB_DATA_DIR, url: pg.url });
    }

    const urls = await prepareDatabases(adminUrl, embedded, source, log);

    // One process: the gateway's identity key never has to leave it unless HUB_IDENTITY_PRIVATE_KEY is given.
    const signingKey = source.HUB_IDENTITY_PRIVATE_KEY ? loadSigningKey(source) : generateKeyPairSync('ed25519').privateKey;
    const identityKey = createPublicKey(signingKey);

    const running: RunningSubgraph<unknown>[] = [];
    const development = config.NODE_ENV !== 'production';
    for (const def of registry) {
      const name = def.name;
      const port = Number(source[`${name.toUpperCase()}_PORT`] ?? def.port);
      const sub = await startSubgraph(def, { databaseUrl: urls.get(name), port, host: '127.0.0.1', log, development, poolSize: config.DB_POOL_SIZE, identityKey });
      stops.push({ name: `subgraph ${name}`, fn: () => sub.close() });
      running.push(sub);
    }

    const seeded = config.HUB_SEED === 'auto' ? await seedEmpty(running, config.HUB_SEED_SCALE, embedded, log) : {};

    // No realm configured: the development provider (refused in production) with one demo user per role.
    let idp: DevIdentityProvider | null = null;
    if (!source.KEYCLOAK_URL && development) {
      idp = await startDevIdentityProvider({
        port: config.DEV_IDP_PORT,
        nodeEnv: config.NODE_ENV,
        accounts: demoAccounts(DEMO_SCOPE),
        machineClients: demoMachineClients(DEMO_SCOPE),
      });
      stops.push({ name: 'development identity provider', fn: () => idp!.stop() });
      log.info('development identity provider', { url: `${idp.serverUrl}/realms/${idp.realm}` });
    }

    const gatewayConfig = loadGatewayConfig({
      ...source,
      ...(idp ? { KEYCLOAK_URL: idp.serverUrl, KEYCLOAK_REALM: idp.realm, KEYCLOAK_AUDIENCE: idp.audience } : {}),
      AUDIT_WRITER_DATABASE_URL: source.AUDIT_WRITER_DATABASE_URL ?? hubAuditWriterUrl(adminUrl, embedded),
      ...Object.fromEntries(running.map((s) => [`SUBGRAPH_URL_${s.name.toUpperCase()}`, s.url])),
    });
    const gateway = await createGateway(gatewayConfig, log.child({ service: 'gateway' }), { signingKey });
    stops.push({ name: 'gateway', fn: () => gateway.stop() });
    const http: RunningHttpServer = await listen(gateway.server, gatewayConfig.PORT, gatewayConfig.HOST);
    stops.push({ name: 'gateway http', fn: () => http.close(gatewayConfig.SHUTDOWN_GRACE_MS) });
    return { gatewayUrl: http.url, databaseUrl: adminUrl, embedded, seeded, subgraphs: running, idp, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Each subgraph's database URL, ready to serve: on a real PostgreSQL its role and schema are
 * provisioned from the admin URL (unless `<NAME>_DATABASE_URL` is given), then its migrations are
 * applied as that role, so the tables belong to it; then the audit writer's role gets its grants
 * (provisionAuditWriter). Used by `npm start` and `npm run db:migrate`.
 */
export async function prepareDatabases(
  adminUrl: string,
  embedded: boolean,
  source: Record<string, string | undefined>,
  log: Logger,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const { name } of registry) {
    const explicit = source[`${name.toUpperCase()}_DATABASE_URL`];
    let url: string;
    if (explicit) url = explicit;
    else if (embedded) url = withSchema(adminUrl, name); // PGlite has one user: isolation is shown on real PostgreSQL
    else {
      await provisionSubgraphSchema(adminUrl, name);
      url = subgraphUrl(adminUrl, name);
    }
    const { applied } = await applyMigrations({ url, schema: name, migrationsDir: migrationsDirFor(name) });
    if (applied.length) log.info('migrations applied', { subgraph: name, applied });
    urls.set(name, url);
  }
  // The gateway's audit login (auditWriterUrl): needs the audit tables, so after the migrations.
  // Embedded: one user, nothing to grant. A given AUDIT_DATABASE_URL: that database is provisioned elsewhere.
  if (!embedded && urls.has('audit') && !source.AUDIT_DATABASE_URL) await provisionAuditWriter(adminUrl);
  return urls;
}

/**
 * The gateway's audit-writer URL for the hub's database: role audit_writer on PostgreSQL
 * (provisioned by prepareDatabases), the one user on the embedded database.
 */
export const hubAuditWriterUrl = (adminUrl: string, embedded: boolean): string =>
  embedded ? withSchema(adminUrl, 'audit') : auditWriterUrl(adminUrl);

/** Every running subgraph that has a seed, with its pool and bulk method (COPY except on PGlite). */
export function seedWork(running: RunningSubgraph<unknown>[], embedded: boolean): { target: SeedTarget; seed: SubgraphSeed }[] {
  return running.flatMap((sub) => {
    const seed = subgraphNamed(sub.name).seed;
    return seed ? [{ target: { name: sub.name, pool: sub.db.pool, method: embedded ? ('insert' as const) : ('copy' as const) }, seed }] : [];
  });
}

async function seedEmpty(running: RunningSubgraph<unknown>[], scale: Scale, embedded: boolean, log: Logger) {
  const work = [];
  for (const item of seedWork(running, embedded)) if (await isEmpty(item.target, item.seed)) work.push(item);
  if (!work.length) return {};
  log.info('loading the demo data', { scale, subgraphs: work.map((w) => w.target.name) });
  return runSeeds(work, { scale, reset: false, progress: false });
}
