import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '#platform/db/test-database.js';
import { gql } from './helpers/graphql.js';
import { testKeys } from './helpers/identities.js';
import { startDevIdentityProvider, type DevIdentityProvider } from '../gateway/src/dev-idp/index.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { verifyAuditChain } from '#common/audit/verify.js';
import { withClient } from '#prisma-engine/pg-admin.mjs';

/**
 * The deployment shape (docker-compose.yml): the directory subgraph and the gateway as separate
 * processes started by their own entry points, configured only through the environment.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let idp: DevIdentityProvider;
beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory', 'audit'] });
  idp = await startDevIdentityProvider({ port: 0, nodeEnv: 'test' });
});
afterAll(async () => {
  await idp?.stop();
  await database?.drop();
});

/** Production settings each process needs: the gateway's key pair split between them, the realm, the audit login. */
const privateKey = testKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKey = testKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function run(entry: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...entry], { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listening = (msg: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        // Complete lines only: a chunk may end in the middle of one.
        const line = out.split('\n').slice(0, -1).find((l) => l.includes(`"msg":"${msg}"`));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      };
      child.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`${entry} exited ${code}:\n${out}`)));
    });
  return { child, exited, listening, output: () => out };
}

const stop = async (p: { child: ChildProcessWithoutNullStreams; exited: Promise<number | null> }) => {
  p.child.kill('SIGTERM');
  return p.exited;
};

describe('each service alone', () => {
  it('directory and gateway as separate processes: query, then SIGTERM stops both cleanly', async () => {
    const directory = run(['scripts/start-subgraph.ts', 'directory'], {
      NODE_ENV: 'production', DIRECTORY_DATABASE_URL: database.urlFor('directory'), DIRECTORY_PORT: '0', HUB_IDENTITY_PUBLIC_KEY: publicKey,
    });
    const subgraphUrl = await directory.listening('subgraph listening');
    const gateway = run(['gateway/src/index.ts'], {
      NODE_ENV: 'production', PORT: '0', SUBGRAPH_URL_DIRECTORY: subgraphUrl, HUB_IDENTITY_PRIVATE_KEY: privateKey,
      KEYCLOAK_URL: idp.serverUrl, AUDIT_WRITER_DATABASE_URL: auditWriterUrl(database.adminUrl), AUDIT_FLUSH_MS: '20',
    });
    const gatewayUrl = await gateway.listening('gateway listening');
    const auth = { authorization: `Bearer ${await idp.tokenFor('supervisor')}` };
    const res = await gql<{ regions: unknown[] }>(gatewayUrl, '{ regions { code } }', {}, { 'x-request-id': 'standalone-1', ...auth });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ regions: [] });
    // The subgraph alone: without the gateway's signature it answers nothing.
    expect((await gql(subgraphUrl, '{ regions { code } }')).status).toBe(401);
    expect(await stop(gateway)).toBe(0);
    expect(await stop(directory)).toBe(0);
    expect(gateway.output()).toContain('"msg":"shutting down"');
    // The operation is in the audit log, written as audit_writer, and the chain verifies.
    const rows = await withClient(database.adminUrl, async (c) => (await c.query("SELECT request_id, outcome FROM audit.entry WHERE request_id = 'standalone-1'")).rows);
    expect(rows).toEqual([{ request_id: 'standalone-1', outcome: 'ok' }]);
    expect(await withClient(database.adminUrl, (c) => verifyAuditChain(c))).toMatchObject({ ok: true });
  });

  it('refuses to start on invalid configuration, naming every bad variable', async () => {
    const gateway = run(['gateway/src/index.ts'], { PORT: 'eighty', MAX_DEPTH: '0' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toMatch(/PORT/);
    expect(gateway.output()).toMatch(/MAX_DEPTH/);
    const directory = run(['scripts/start-subgraph.ts', 'directory'], {});
    expect(await directory.exited).toBe(1);
    expect(directory.output()).toContain('DATABASE_URL');
  });
});
