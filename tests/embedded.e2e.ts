import { embeddedHubEnv } from './helpers/hub-env.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gql } from './helpers/graphql.js';
import { requestToken, tokenEndpoint } from '../gateway/src/dev-idp/index.js';

const dataDir = join(mkdtempSync(join(tmpdir(), 'ih-embedded-')), 'pglite');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `npm start`'s program with no DATABASE_URL, every port 0, on a temporary data folder. */
async function start(): Promise<{
  child: ChildProcessWithoutNullStreams;
  url: string;
  auth: Record<string, string>;
  output: () => string;
}> {
  const env = embeddedHubEnv(dataDir, process.env);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/start.ts'], { env });
  let out = '';
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /GraphQL: (http:\/\/\S+)\s/.exec(out); // up to the space after it: a chunk may end inside the URL
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready:\n${out}`)));
  });
  // The demo supervisor (湖州市), from the development provider the banner names — as `npm run token` does.
  const idp = /Identity provider \(development only\): (http:\/\/[\d.:]+)\/realms\/(\S+)/.exec(out)!;
  const token = await requestToken(tokenEndpoint(idp[1]!, idp[2]!), {
    kind: 'password',
    clientId: 'hub-console',
    username: 'supervisor',
    password: 'supervisor-dev',
  });
  return { child, url, auth: { authorization: `Bearer ${token}` }, output: () => out };
}

const stop = (child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals) =>
  new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill(signal);
  });

const HOSPITALS =
  '{ hospitals(filter: { regionCode: "330500" }, first: 3) { totalCount nodes { staff(first: 2) { totalCount nodes { id } } } } staff(first: 1) { totalCount nodes { idCardNumberMasked } } }';

describe('npm start on the embedded default', () => {
  it('starts, loads the demo city, answers through the gateway, stops cleanly on Ctrl-C', async () => {
    const hub = await start();
    expect((await gql(hub.url, HOSPITALS)).status).toBe(401);
    type Staff = { totalCount: number; nodes: { id: string; idCardNumberMasked: string }[] };
    const res = await gql<{ hospitals: { totalCount: number; nodes: { staff: Staff }[] }; staff: Staff }>(
      hub.url,
      HOSPITALS,
      undefined,
      hub.auth,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.hospitals.totalCount).toBe(60);
    // Nested lists are batched SQL of their own (#platform/loaders.js): the embedded server runs it too.
    expect(res.body.data!.hospitals.nodes.map((h) => h.staff.nodes.length)).toEqual([2, 2, 2]);
    expect(res.body.data!.hospitals.nodes.reduce((n, h) => n + h.staff.totalCount, 0)).toBeGreaterThan(6);
    expect(res.body.data!.staff.totalCount).toBe(30_000);
    expect(res.body.data!.staff.nodes[0]!.idCardNumberMasked).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    expect(await stop(hub.child, 'SIGINT')).toBe(0);
    expect(hub.output()).toContain('"msg":"stopped"');
  });

  it('keeps the data across a restart without loading it twice, and stops on SIGTERM', async () => {
    const hub = await start();
    expect(hub.output()).not.toContain('loading the demo data');
    const res = await gql<{ hospitals: { totalCount: number } }>(hub.url, HOSPITALS, undefined, hub.auth);
    expect(res.body.data!.hospitals.totalCount).toBe(60);
    expect(await stop(hub.child, 'SIGTERM')).toBe(0);
  });
});
