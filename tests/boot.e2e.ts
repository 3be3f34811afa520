import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { request } from 'undici';
import { createLogger } from '#common/logger.js';
import { listen, type RunningHttpServer } from '#common/http.js';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { startSubgraph, type RunningSubgraph } from '#platform/subgraph.js';
import { loadGatewayConfig } from '../gateway/src/config.js';
import { createGateway, type Gateway } from '../gateway/src/server.js';
import { startDevIdentityProvider, type DevIdentityProvider } from '../gateway/src/dev-idp/index.js';
import { directory } from '../subgraphs/directory/src/subgraph.js';
import { audit } from '../subgraphs/audit/src/subgraph.js';
import { procurement } from '../subgraphs/procurement/src/subgraph.js';
import { gql } from './helpers/graphql.js';
import { testKeys } from './helpers/identities.js';

/**
 * docs/security.md, "Reliability": the gateway starts while a subgraph is down — it serves the static
 * supergraph, so there is nothing to introspect — answers what it can, says the subgraph is down, and
 * serves it as soon as it is up, without a restart.
 */
const log = createLogger({ level: 'silent' });
let database: TestDatabase;
let idp: DevIdentityProvider;
let gateway: Gateway;
let http: RunningHttpServer;
let auditSub: RunningSubgraph<unknown>;
let procurementSub: RunningSubgraph<unknown>;
let directoryPort: number;
const started: RunningSubgraph<unknown>[] = [];

/** A port nothing listens on (yet). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory', 'procurement', 'audit'] });
  idp = await startDevIdentityProvider({ port: 0, nodeEnv: 'test' });
  idp.addAccount({ username: 'sup', password: 'x', roles: ['supervisor'], regionCode: '330000' });
  idp.addAccount({ username: 'auditor', password: 'x', roles: ['audit-admin'] });
  auditSub = await startSubgraph(audit, {
    databaseUrl: database.urlFor('audit'),
    port: 0,
    log,
    development: false,
    identityKey: testKeys.publicKey,
  });
  // Every other subgraph of the supergraph is up: readiness then depends on the directory alone.
  procurementSub = await startSubgraph(procurement, {
    databaseUrl: database.urlFor('procurement'),
    port: 0,
    log,
    development: false,
    identityKey: testKeys.publicKey,
  });
  directoryPort = await freePort();
  const config = loadGatewayConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    KEYCLOAK_URL: idp.serverUrl,
    KEYCLOAK_REALM: idp.realm,
    KEYCLOAK_AUDIENCE: idp.audience,
    SUBGRAPH_URL_DIRECTORY: `http://127.0.0.1:${directoryPort}/graphql`,
    SUBGRAPH_URL_AUDIT: auditSub.url,
    SUBGRAPH_URL_PROCUREMENT: procurementSub.url,
    AUDIT_WRITER_DATABASE_URL: auditWriterUrl(database.adminUrl),
  });
  gateway = await createGateway(config, log, { signingKey: testKeys.privateKey });
  http = await listen(gateway.server, 0);
});
afterAll(async () => {
  await http?.close(500);
  await gateway?.stop();
  for (const s of [...started, auditSub, procurementSub]) await s?.close();
  await idp?.stop();
  await database?.drop();
});

describe('a gateway started while a subgraph is down', () => {
  it('is up, says which subgraph is down, and answers the others', async () => {
    const ready = await request(http.url.replace('/graphql', '/readyz'));
    expect(ready.statusCode).toBe(503);
    expect(await ready.body.json()).toMatchObject({ subgraphs: { directory: 'down', audit: 'up' } });
    const auth = { authorization: `Bearer ${await idp.tokenFor('auditor')}` };
    const chain = await gql<{ auditChain: { ok: boolean } }>(http.url, '{ auditChain { ok } }', undefined, auth);
    expect(chain.status).toBe(200);
    expect(chain.body.data?.auditChain.ok).toBe(true);
    const regions = await gql(http.url, '{ regions { code } }', undefined, { authorization: `Bearer ${await idp.tokenFor('sup')}` });
    expect(regions.status).toBe(200);
    expect(regions.body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
    expect(regions.text).not.toContain(String(directoryPort));
  });

  it('serves the subgraph once it is up, without a restart', async () => {
    started.push(
      await startSubgraph(directory, {
        databaseUrl: database.urlFor('directory'),
        port: directoryPort,
        log,
        development: false,
        identityKey: testKeys.publicKey,
      }),
    );
    const regions = await gql<{ regions: unknown[] }>(http.url, '{ regions { code } }', undefined, {
      authorization: `Bearer ${await idp.tokenFor('sup')}`,
    });
    expect(regions.body.errors).toBeUndefined();
    expect(regions.body.data).toEqual({ regions: [] });
    const ready = await request(http.url.replace('/graphql', '/readyz'));
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();
  });
});
