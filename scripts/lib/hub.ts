import { existsSync } from 'node:fs';
import { z } from 'zod';
import { env, identityKeyVariables, parseConfig } from '#common/config.js';
import { startEmbeddedPostgres } from '#platform/db/embedded.js';
import { applyMigrations, migrationsDirFor } from '#platform/db/migrate.js';
import { ensurePlatformTablesAt } from '#platform/db/platform-tables.js';
import { platformFeaturesOf } from '#platform/define.js';
import type { AuditSink } from '../../gateway/src/audit.js';
import { createIdentitySigner, type IdentitySigner } from '#common/identity-signature.js';
import { auditWriterUrl, provisionAuditWriter, provisionSubgraphSchema, subgraphUrl } from '#platform/db/provision.js';
import { listen, type RunningHttpServer } from '#common/http.js';
import type { Logger } from '#common/logger.js';
import { isEmpty, runSeeds } from '#platform/seed/run.js';
import type { Scale, SeedTarget, SubgraphSeed } from '#platform/seed/types.js';
import { startSubgraph, type RunningSubgraph } from '#platform/subgraph.js';
import { registry, subgraphNamed } from '../../subgraphs/registry.js';
import { withSchema } from '#prisma-engine/pg-admin.mjs';
import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/server.js';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { loadSigningKey } from '#common/identity-signature.js';
import {
  DEV_IDP_PORT,
  DEMO_SCOPE,
  demoAccounts,
  demoMachineClients,
  startDevIdentityProvider,
  type DevIdentityProvider,
} from '../../gateway/src/dev-idp/index.js';

/** A subgraph's own settings in the hub: `<NAME>_PORT`, `<NAME>_DATABASE_URL`, `<NAME>_DB_PASSWORD`. */
export interface SubgraphSettings {
  port: number;
  /** Used as given: no provisioning. */
  databaseUrl?: string;
  /** Set on its role when it is provisioned, and in the URL the hub derives for it. */
  dbPassword?: string;
}

/** What preparing the databases needs besides the admin URL (prepareDatabases). */
export interface DatabaseSettings {
  subgraphs: Record<string, SubgraphSettings>;
  /** AUDIT_WRITER_DB_PASSWORD: of the audit writer's role (provision.ts). */
  auditWriterPassword?: string;
}

const upper = (name: string) => name.toUpperCase();

/** The variables of DatabaseSettings, for every subgraph of the registry. */
const databaseVariables: Record<string, z.ZodType> = {
  AUDIT_WRITER_DB_PASSWORD: z.string().optional(),
  ...Object.fromEntries<z.ZodType>(
    registry.flatMap(({ name, port }) => [
      [`${upper(name)}_PORT`, env.port(port)],
      [`${upper(name)}_DATABASE_URL`, env.url().optional()],
      [`${upper(name)}_DB_PASSWORD`, z.string().optional()],
    ]),
  ),
};

function databaseSettings(parsed: Record<string, unknown>): DatabaseSettings {
  const subgraphs = Object.fromEntries(
    registry.map(({ name }) => [
      name,
      {
        port: parsed[`${upper(name)}_PORT`] as number,
        databaseUrl: parsed[`${upper(name)}_DATABASE_URL`] as string | undefined,
        dbPassword: parsed[`${upper(name)}_DB_PASSWORD`] as string | undefined,
      },
    ]),
  );
  return { subgraphs, auditWriterPassword: parsed.AUDIT_WRITER_DB_PASSWORD as string | undefined };
}

/** DatabaseSettings from a process's environment (`npm run db:migrate`). */
export const loadDatabaseSettings = (source: Record<string, string | undefined>): DatabaseSettings =>
  databaseSettings(parseConfig(z.object(databaseVariables), source));

/** Configuration of the whole hub in one process (`npm start`); every variable is in docs/configuration.md. */
const hubConfigSchema = z.object({
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
  /** A realm to use (the gateway's KEYCLOAK_URL); unset → the development identity provider. */
  KEYCLOAK_URL: z.string().url().optional(),
  /** The gateway's audit login; unset → the hub's database as audit_writer. */
  AUDIT_WRITER_DATABASE_URL: env.url().optional(),
  /** When npm ran `npm start` (ms since the epoch, package.json): the banner times the whole run. */
  HUB_STARTED_AT: z.coerce.number().int().positive().optional().catch(undefined),
  /** The gateway's identity key; unset → one key pair kept in memory by this process. */
  ...identityKeyVariables,
});

export type HubConfig = z.infer<typeof hubConfigSchema> &
  DatabaseSettings & {
    /**
     * The gateway's configuration (gateway/src/config.ts) from the same environment, with what
     * only the running hub knows (its identity provider, audit login, subgraph URLs).
     */
    gateway(known: Record<string, string>): GatewayConfig;
  };

/** The hub's configuration from its process's environment (scripts/start.ts passes `process.env`, read once). */
export function loadHubConfig(source: Record<string, string | undefined>): HubConfig {
  const parsed = parseConfig(hubConfigSchema.extend(databaseVariables), source) as z.infer<typeof hubConfigSchema> &
    Record<string, unknown>;
  const snapshot = { ...source };
  return { ...parsed, ...databaseSettings(parsed), gateway: (known) => loadGatewayConfig({ ...snapshot, ...known }) };
}

export interface RunningHub {
  gatewayUrl: string;
  databaseUrl: string;
  embedded: boolean;
  seeded: Record<string, Record<string, number>>;
  subgraphs: RunningSubgraph<unknown>[];
  /** The development identity provider, when the hub started one (no KEYCLOAK_URL, not production). */
  idp: DevIdentityProvider | null;
  /** Signs identities for the subgraphs with the gateway's key: in-process callers (`npm run feed`'s peer look-ups). */
  signer: IdentitySigner;
  /** The gateway's audit log: in-process operations (`npm run feed`'s runs) are audited there too. */
  audit: AuditSink;
  stop(): Promise<void>;
}

/**
 * Bring the hub up: database (embedded or given), migrations, demo data when empty, every
 * subgraph on its port, then the gateway. Stops in reverse order.
 */
export async function startHub(config: HubConfig, log: Logger): Promise<RunningHub> {
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
      const pg = await startEmbeddedPostgres({
        dataDir: config.HUB_DATA_DIR,
        host: '127.0.0.1',
        port: config.EMBEDDED_PG_PORT,
        log: (m) => log.debug(m),
      });
      stops.push({ name: 'embedded database', fn: () => pg.stop() });
      adminUrl = pg.url;
      log.info(fresh ? 'embedded PostgreSQL created' : 'embedded PostgreSQL opened', { dataDir: config.HUB_DATA_DIR, url: pg.url });
    }

    const urls = await prepareDatabases(adminUrl, embedded, config, log);

    // One process: the gateway's identity key never has to leave it unless HUB_IDENTITY_PRIVATE_KEY is given.
    const signingKey = config.HUB_IDENTITY_PRIVATE_KEY ? loadSigningKey(config) : generateKeyPairSync('ed25519').privateKey;
    const identityKey = createPublicKey(signingKey);

    const running: RunningSubgraph<unknown>[] = [];
    const development = config.NODE_ENV !== 'production';
    // Feeds look their references up in the other subgraphs (directory hospitals, suppliers…), by URL.
    const peerUrls = () => new Map(running.map((s) => [s.name, s.url]));
    for (const def of registry) {
      const name = def.name;
      const { port } = config.subgraphs[name]!;
      const sub = await startSubgraph(def, {
        databaseUrl: urls.get(name),
        port,
        host: '127.0.0.1',
        log,
        development,
        poolSize: config.DB_POOL_SIZE,
        identityKey,
        feedPeers: { urls: peerUrls, embedded },
      });
      stops.push({ name: `subgraph ${name}`, fn: () => sub.close() });
      running.push(sub);
    }

    const seeded = config.HUB_SEED === 'auto' ? await seedEmpty(running, config.HUB_SEED_SCALE, embedded, log) : {};
    // The demo's generated world is garbage now: give it back before serving (`npm start` runs with --expose-gc).
    if (Object.keys(seeded).length) (globalThis as { gc?: () => void }).gc?.();

    // No realm configured: the development provider (refused in production) with one demo user per role.
    let idp: DevIdentityProvider | null = null;
    if (!config.KEYCLOAK_URL && development) {
      idp = await startDevIdentityProvider({
        port: config.DEV_IDP_PORT,
        nodeEnv: config.NODE_ENV,
        accounts: demoAccounts(DEMO_SCOPE),
        machineClients: demoMachineClients(DEMO_SCOPE),
      });
      stops.push({ name: 'development identity provider', fn: () => idp!.stop() });
      log.info('development identity provider', { url: `${idp.serverUrl}/realms/${idp.realm}` });
    }

    const gatewayConfig = config.gateway({
      ...(idp ? { KEYCLOAK_URL: idp.serverUrl, KEYCLOAK_REALM: idp.realm, KEYCLOAK_AUDIENCE: idp.audience } : {}),
      AUDIT_WRITER_DATABASE_URL: config.AUDIT_WRITER_DATABASE_URL ?? hubAuditWriterUrl(adminUrl, embedded, config.auditWriterPassword),
      ...Object.fromEntries(running.map((s) => [`SUBGRAPH_URL_${s.name.toUpperCase()}`, s.url])),
    });
    const gateway = await createGateway(gatewayConfig, log.child({ service: 'gateway' }), { signingKey });
    stops.push({ name: 'gateway', fn: () => gateway.stop() });
    const http: RunningHttpServer = await listen(gateway.server, gatewayConfig.PORT, gatewayConfig.HOST);
    stops.push({ name: 'gateway http', fn: () => http.close(gatewayConfig.SHUTDOWN_GRACE_MS) });
    const signer = createIdentitySigner(signingKey);
    return { gatewayUrl: http.url, databaseUrl: adminUrl, embedded, seeded, subgraphs: running, idp, signer, audit: gateway.audit, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Each subgraph's database URL, ready to serve: on a real PostgreSQL its role and schema are
 * provisioned from the admin URL (unless `<NAME>_DATABASE_URL` is given), with `<NAME>_DB_PASSWORD`,
 * then its migrations are applied as that role, so the tables belong to it; then the audit writer's
 * role gets its grants (provisionAuditWriter). Used by `npm start` and `npm run db:migrate`.
 */
export async function prepareDatabases(
  adminUrl: string,
  embedded: boolean,
  settings: DatabaseSettings,
  log: Logger,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const def of registry) {
    const { name } = def;
    const { databaseUrl: explicit, dbPassword } = settings.subgraphs[name] ?? {};
    let url: string;
    if (explicit) url = explicit;
    else if (embedded)
      url = withSchema(adminUrl, name); // PGlite has one user: isolation is shown on real PostgreSQL
    else {
      await provisionSubgraphSchema(adminUrl, name, dbPassword);
      url = subgraphUrl(adminUrl, name, dbPassword);
    }
    const { applied } = await applyMigrations({ url, schema: name, migrationsDir: migrationsDirFor(name) });
    if (applied.length) log.info('migrations applied', { subgraph: name, applied });
    // As the subgraph's own role (its URL), so it owns the platform's tables in its schema.
    await ensurePlatformTablesAt(url, name, platformFeaturesOf(def));
    urls.set(name, url);
  }
  // The gateway's audit login (auditWriterUrl): needs the audit tables, so after the migrations.
  // Embedded: one user, nothing to grant. A given AUDIT_DATABASE_URL: that database is provisioned elsewhere.
  if (!embedded && urls.has('audit') && !settings.subgraphs.audit?.databaseUrl)
    await provisionAuditWriter(adminUrl, settings.auditWriterPassword);
  return urls;
}

/**
 * The gateway's audit-writer URL for the hub's database: role audit_writer on PostgreSQL
 * (provisioned by prepareDatabases), the one user on the embedded database.
 */
export const hubAuditWriterUrl = (adminUrl: string, embedded: boolean, password?: string): string =>
  embedded ? withSchema(adminUrl, 'audit') : auditWriterUrl(adminUrl, password);

/** Every running subgraph that has a seed, with its pool and bulk method (COPY except on PGlite). */
export function seedWork(running: RunningSubgraph<unknown>[], embedded: boolean): { target: SeedTarget; seed: SubgraphSeed }[] {
  return running.flatMap((sub) => {
    const seed = subgraphNamed(sub.name).seed;
    return seed
      ? [{ target: { name: sub.name, pool: sub.db.pool, method: embedded ? ('insert' as const) : ('copy' as const) }, seed }]
      : [];
  });
}

async function seedEmpty(running: RunningSubgraph<unknown>[], scale: Scale, embedded: boolean, log: Logger) {
  const work = [];
  for (const item of seedWork(running, embedded)) work.push({ ...item, factsOnly: !(await isEmpty(item.target, item.seed)) });
  const empty = work.filter((w) => !w.factsOnly);
  if (!empty.length) return {};
  log.info('loading the demo data', { scale, subgraphs: empty.map((w) => w.target.name) });
  // The seeds before an empty one that already have data still hand on their facts (regenerated, not reloaded).
  const last = work.lastIndexOf(empty.at(-1)!);
  const results = await runSeeds(work.slice(0, last + 1), { scale, reset: false, progress: false });
  return Object.fromEntries(Object.entries(results).filter(([name]) => empty.some((w) => w.target.name === name)));
}
