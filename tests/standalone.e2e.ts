import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../subgraphs/shared/src/db/test-database.js';
import { gql } from './helpers/graphql.js';

/**
 * The deployment shape (docker-compose.yml): the directory subgraph and the gateway as separate
 * processes started by their own entry points, configured only through the environment.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory'] });
});
afterAll(() => database?.drop());

function run(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listening = (msg: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = out.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
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
    const directory = run('subgraphs/directory/src/index.ts', { NODE_ENV: 'production', DIRECTORY_DATABASE_URL: database.urlFor('directory'), DIRECTORY_PORT: '0' });
    const subgraphUrl = await directory.listening('subgraph listening');
    const gateway = run('gateway/src/index.ts', { NODE_ENV: 'production', PORT: '0', SUBGRAPH_URL_DIRECTORY: subgraphUrl });
    const gatewayUrl = await gateway.listening('gateway listening');
    const res = await gql<{ regions: unknown[] }>(gatewayUrl, '{ regions { code } }', {}, { 'x-request-id': 'standalone-1' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ regions: [] });
    expect(await stop(gateway)).toBe(0);
    expect(await stop(directory)).toBe(0);
    expect(gateway.output()).toContain('"msg":"shutting down"');
  });

  it('refuses to start on invalid configuration, naming every bad variable', async () => {
    const gateway = run('gateway/src/index.ts', { PORT: 'eighty', MAX_DEPTH: '0' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toMatch(/PORT/);
    expect(gateway.output()).toMatch(/MAX_DEPTH/);
    const directory = run('subgraphs/directory/src/index.ts', {});
    expect(await directory.exited).toBe(1);
    expect(directory.output()).toContain('DATABASE_URL');
  });
});
