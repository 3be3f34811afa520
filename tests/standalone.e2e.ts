import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'undici';
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
  database = await createTestDatabase({ subgraphs: ['directory', 'audit'] }); // the two this test runs;
  idp = await startDevIdentityProvider({ port: 0, nodeEnv: 'test' });
});
afterAll(async () => {
  // Whatever a failed signal test left running (its process groups), so that it does not outlive the run.
  for (const group of groups) if (groupMembers(group).length) process.kill(-group, 'SIGKILL');
  await idp?.stop();
  await database?.drop();
});

/** Production settings each process needs: the gateway's key pair split between them, the realm, the audit login. */
const privateKey = testKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKey = testKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function run(entry: string[], env: Record<string, string>) {
  return watch(spawn(process.execPath, ['--import', 'tsx', ...entry], { env: { PATH: process.env.PATH ?? '', ...env } }), entry.join(' '));
}

/**
 * `npm run <script> -- …` as a container or a terminal runs it, in a process group of its own (so
 * that what it leaves behind can be found): the signals go to npm, which passes them to its child.
 */
const groups: number[] = [];
function npmRun(script: string[], env: Record<string, string>) {
  const child = spawn('npm', ['run', '--silent', ...script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    detached: true,
  });
  groups.push(child.pid!);
  return { ...watch(child, `npm run ${script.join(' ')}`), group: child.pid! };
}

function watch(child: ChildProcessWithoutNullStreams, entry: string) {
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listening = (msg: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        // Complete lines only: a chunk may end in the middle of one.
        const line = out
          .split('\n')
          .slice(0, -1)
          .find((l) => l.includes(`"msg":"${msg}"`));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      };
      child.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`${entry} exited ${code}:\n${out}`)));
    });
  /** The first group of `pattern` once the output has a match (a plain-text banner). */
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) resolve(match[1]!);
      };
      child.stdout.on('data', check);
      void exited.then((code) => reject(new Error(`${entry} exited ${code}:\n${out}`)));
    });
  return { child, exited, listening, printed, output: () => out };
}

const stop = async (p: { child: ChildProcessWithoutNullStreams; exited: Promise<number | null> }) => {
  p.child.kill('SIGTERM');
  return p.exited;
};

/** SIGTERM to npm (as `docker stop` sends it) stops the server within seconds: npm exits 0, its group is empty, `url` refuses. */
async function expectStoppedBySigterm(service: ReturnType<typeof npmRun>, url: string): Promise<void> {
  expect(groupMembers(service.group).length).toBeGreaterThan(1); // npm and the server it runs
  const started = performance.now();
  service.child.kill('SIGTERM');
  expect(await service.exited, service.output()).toBe(0);
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(groupMembers(service.group)).toEqual([]);
  await expect(request(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
}

/** Live (not zombie) processes of a process group, from /proc. */
function groupMembers(group: number): string[] {
  const members: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses: split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') members.push(`${pid} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)}`);
  }
  return members;
}

/** A production directory subgraph on the test database, on any free port. */
const directoryEnv = () => ({
  NODE_ENV: 'production',
  DIRECTORY_DATABASE_URL: database.urlFor('directory'),
  DIRECTORY_PORT: '0',
  HUB_IDENTITY_PUBLIC_KEY: publicKey,
});
/** A production gateway in front of that subgraph, with the audit log, on any free port. */
const gatewayEnv = (subgraphUrl: string) => ({
  NODE_ENV: 'production',
  PORT: '0',
  SUBGRAPH_URL_DIRECTORY: subgraphUrl,
  HUB_IDENTITY_PRIVATE_KEY: privateKey,
  KEYCLOAK_URL: idp.serverUrl,
  AUDIT_WRITER_DATABASE_URL: auditWriterUrl(database.adminUrl),
  AUDIT_FLUSH_MS: '20',
});

describe('each service alone', () => {
  it('directory and gateway as separate processes: query, then SIGTERM stops both cleanly', async () => {
    const directory = run(['scripts/start-subgraph.ts', 'directory'], directoryEnv());
    const subgraphUrl = await directory.listening('subgraph listening');
    const gateway = run(['gateway/src/index.ts'], gatewayEnv(subgraphUrl));
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
    const rows = await withClient(
      database.adminUrl,
      async (c) =>
        (
          await c.query<{ request_id: string; outcome: string }>(
            "SELECT request_id, outcome FROM audit.entry WHERE request_id = 'standalone-1'",
          )
        ).rows,
    );
    expect(rows).toEqual([{ request_id: 'standalone-1', outcome: 'ok' }]);
    expect(await withClient(database.adminUrl, (c) => verifyAuditChain(c))).toMatchObject({ ok: true });
  });

  it('SIGTERM to `npm run start:gateway` and `npm run start:subgraph -- directory` stops each promptly: exit 0, port closed, nothing left', async () => {
    const directory = npmRun(['start:subgraph', '--', 'directory'], directoryEnv());
    const subgraphUrl = await directory.listening('subgraph listening');
    const gateway = npmRun(['start:gateway'], gatewayEnv(subgraphUrl));
    const gatewayUrl = await gateway.listening('gateway listening');
    const auth = { authorization: `Bearer ${await idp.tokenFor('supervisor')}` };
    expect((await gql(gatewayUrl, '{ regions { code } }', {}, auth)).status).toBe(200);
    await expectStoppedBySigterm(gateway, gatewayUrl.replace('/graphql', '/healthz'));
    expect(gateway.output()).toContain('"msg":"shutting down"');
    await expectStoppedBySigterm(directory, subgraphUrl.replace('/graphql', '/healthz'));
  });

  it('SIGTERM to `npm run idp` stops the development identity provider the same way', async () => {
    const provider = npmRun(['idp'], { DEV_IDP_PORT: '0' });
    const discovery = `${await provider.printed(/KEYCLOAK_URL=(\S+)/)}/realms/integrity-hub/.well-known/openid-configuration`;
    const before = await request(discovery);
    expect(before.statusCode).toBe(200);
    await before.body.dump();
    await expectStoppedBySigterm(provider, discovery);
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
