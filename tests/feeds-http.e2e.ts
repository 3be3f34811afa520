import { generateKeyPairSync } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createIdentitySigner, createIdentityVerifier } from '#common/identity-signature.js';
import { IDENTITY_HEADER } from '#common/identity.js';
import type { FeedRunner } from '#platform/feed/http.js';
import type { FeedError, FeedKind, RunSummary } from '#platform/feed/types.js';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';
import { DEFAULT_USER, FEED_CLIENT, startStack, type Stack } from './helpers/stack.js';
import { createManualClock } from './helpers/clock.js';
import { until } from './helpers/gate.js';
import { identityOf } from './helpers/identities.js';

/**
 * `POST /feeds/<subgraph>/<kind>` end to end (docs/operations.md, "Feeds over HTTP"): real tokens from the
 * development OpenID provider, the real gateway, and a subgraph whose feed runner genuinely reads the
 * streamed body (it counts NDJSON lines, rejecting those that are not JSON).
 */
const OTHER_CLIENT = 'other-feed';
const SLOW_CLIENT = 'slow-feed';
const MAX_BYTES = 8 * 1024 * 1024;
const GIGABYTE = 1024 * 1024 * 1024;

const lines: FeedKind = {
  kind: 'lines',
  description: 'NDJSON lines, counted (test feed)',
  formats: ['ndjson', 'csv'],
  tables: [],
  prepare: async (records) => records.map(() => ({ ok: true, rows: {} })),
};
const feedProbe: SubgraphDefinition<unknown, RequestContext> = {
  name: 'feedprobe',
  port: 0,
  access: 'open',
  typeDefs: parse(
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\ntype Query { feedProbe: String }',
  ),
  resolvers: { Query: { feedProbe: () => 'ok' } },
  createContext: (base) => base,
  feeds: [lines],
};

/** Every run the runner finished, with what it was given. */
const runs: { args: Parameters<FeedRunner>[0]; summary: RunSummary }[] = [];

/** Reads the stream to its end (or its failure), counting lines; a line that is not JSON is rejected. */
const countLines: FeedRunner = async (args) => {
  const startedAt = new Date();
  let read = 0;
  let rejected = 0;
  let error: FeedError | null = null;
  let tail = '';
  const take = (line: string) => {
    if (line.trim() === '') return;
    read++;
    try {
      JSON.parse(line);
    } catch {
      rejected++;
    }
  };
  try {
    for await (const chunk of args.stream) {
      const parts = (tail + chunk.toString('utf8')).split('\n');
      tail = parts.pop()!;
      parts.forEach(take);
    }
    take(tail);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    error = { code: typeof code === 'string' ? code : 'READ_FAILED', message: (err as Error).message };
  }
  const status = error ? 'FAILED' : rejected ? 'PARTIAL' : 'SUCCEEDED';
  const summary: RunSummary = {
    runId: `run-${runs.length + 1}`,
    subgraph: args.subgraph,
    kind: args.kind.kind,
    source: args.sourceName,
    client: args.client,
    startedAt,
    finishedAt: new Date(),
    status,
    read,
    inserted: read - rejected,
    updated: 0,
    unchanged: 0,
    rejected,
    error,
  };
  runs.push({ args, summary });
  return summary;
};

let stack: Stack;
const clock = createManualClock();
let feedsUrl: string;

beforeAll(async () => {
  const manifest = join(mkdtempSync(join(tmpdir(), 'ih-feeds-')), 'persisted.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      clients: {
        [FEED_CLIENT]: { feeds: ['feedprobe/lines', 'feedprobe/nosuchkind'], feedLimits: { maxBytes: MAX_BYTES, perMinute: 1000 } },
        [OTHER_CLIENT]: { feeds: ['procurement/ocds'] },
        [SLOW_CLIENT]: { feeds: ['feedprobe/lines'], feedLimits: { perMinute: 2 } },
      },
    }),
  );
  stack = await startStack({
    subgraphs: ['directory', 'audit'],
    extra: [feedProbe],
    feedRunner: countLines,
    clock: clock.now,
    gatewayEnv: { PERSISTED_OPERATIONS_PATH: manifest },
  });
  for (const clientId of [OTHER_CLIENT, SLOW_CLIENT]) {
    stack.idp.addMachineClient({ clientId, secret: `${clientId}-secret`, roles: ['machine-client'], regionCode: '330000' });
  }
  feedsUrl = stack.gatewayUrl.replace(/\/graphql$/, '/feeds');
});
afterAll(() => stack?.stop());
beforeEach(() => {
  runs.length = 0;
});

const auth = async (who: string) => ({ authorization: `Bearer ${await stack.token(who)}` });
const ndjson = { 'content-type': 'application/x-ndjson' };

/** POST a feed body through the gateway; the answer's status, headers and JSON. */
async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await request(`${feedsUrl}/${path}`, { method: 'POST', headers, body });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Record<string, unknown> };
}

/** The audit row of a request, once the writer has flushed it. */
async function auditEntry(requestId: string) {
  await stack.gateway.audit.flush();
  const { rows } = await stack.subgraphs.audit!.db.pool.query('SELECT * FROM audit.entry WHERE request_id = $1', [requestId]);
  expect(rows).toHaveLength(1);
  return rows[0] as Record<string, unknown>;
}

describe('POST /feeds/<subgraph>/<kind> through the gateway', () => {
  it('runs a feed the manifest allows: 200 with the runner summary, one audit entry, identities for the subgraph and its peers', async () => {
    const body = '{"a":1}\n{"a":2}\n{"a":3}\n';
    const res = await post('feedprobe/lines', body, { ...(await auth(FEED_CLIENT)), ...ndjson, 'x-request-id': 'feed-ok-1' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ runId: 'run-1', status: 'SUCCEEDED', read: 3, inserted: 3, rejected: 0, client: FEED_CLIENT });
    expect(res.json.source).toBe('http:feed-ok-1');

    const { args } = runs[0]!;
    expect(args).toMatchObject({ subgraph: 'feedprobe', format: 'ndjson', client: FEED_CLIENT, maxBytes: MAX_BYTES });
    expect(args.identity).toMatchObject({ kind: 'machine', clientId: FEED_CLIENT, roles: ['machine-client'] });
    // Every other subgraph gets an identity signed for it, living an hour; directory really accepts its own.
    expect(Object.keys(args.peerIdentities)).toEqual(expect.arrayContaining(['directory', 'audit']));
    expect(args.peerIdentities.feedprobe).toBeUndefined();
    const claims = decodeJwt(args.peerIdentities.directory!);
    expect(claims.aud).toBe('directory');
    expect(claims.exp! - claims.iat!).toBe(3600);
    const verified = await createIdentityVerifier(stack.identityKeys.publicKey, 'directory')(args.peerIdentities.directory);
    expect(verified).toMatchObject({ ok: true, identity: { clientId: FEED_CLIENT } });
    const peerCall = await request(stack.subgraphs.directory!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: args.peerIdentities.directory! },
      body: JSON.stringify({ query: '{ regions { code } }' }),
    });
    expect(peerCall.statusCode).toBe(200);
    await peerCall.body.dump();

    const entry = await auditEntry('feed-ok-1');
    expect(entry).toMatchObject({
      source: 'gateway',
      operation_type: 'feed',
      operation_name: 'feed:feedprobe/lines',
      client_id: FEED_CLIENT,
      roles: ['machine-client'],
      outcome: 'ok',
      status: 200,
      records: 3,
    });
    expect(entry.ip).toBeTruthy();
    expect(entry.detail).toMatchObject({ runId: 'run-1', runStatus: 'SUCCEEDED', read: 3, inserted: 3, rejected: 0 });
  });

  it('relays a PARTIAL run with 200 and its counts, and keeps a stated source name', async () => {
    const headers = { ...(await auth(FEED_CLIENT)), ...ndjson, 'x-hub-feed-source': 'batch-7.ndjson', 'x-request-id': 'feed-partial' };
    const res = await post('feedprobe/lines', '{"a":1}\nnot json\n{"a":3}', headers);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'PARTIAL', read: 3, inserted: 2, rejected: 1, source: 'batch-7.ndjson' });
    expect((await auditEntry('feed-partial')).detail).toMatchObject({ runStatus: 'PARTIAL', rejected: 1 });
  });

  it('refuses a client whose manifest entry does not name the feed (403), and audits the refusal', async () => {
    const res = await post('feedprobe/lines', '{}\n', { ...(await auth(OTHER_CLIENT)), ...ndjson, 'x-request-id': 'feed-403' });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('FORBIDDEN');
    expect(runs).toHaveLength(0);
    expect(await auditEntry('feed-403')).toMatchObject({
      operation_type: 'feed',
      outcome: 'refused',
      status: 403,
      client_id: OTHER_CLIENT,
    });
  });

  it('refuses a business role (403) and no or a bad token (401)', async () => {
    const supervisor = await post('feedprobe/lines', '{}\n', { ...(await auth(DEFAULT_USER)), ...ndjson });
    expect(supervisor).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    const none = await post('feedprobe/lines', '{}\n', ndjson);
    expect(none).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED' } });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    const token = await stack.token(FEED_CLIENT);
    const bad = await post('feedprobe/lines', '{}\n', { authorization: `Bearer ${token.slice(0, -4)}AAAA`, ...ndjson });
    expect(bad.status).toBe(401);
    expect(runs).toHaveLength(0);
  });

  it('answers 404 for an unknown subgraph or kind, 415 for another media type or a format the kind does not take', async () => {
    const headers = await auth(FEED_CLIENT);
    expect(await post('nosuch/lines', '{}\n', { ...headers, ...ndjson })).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await post('feedprobe/nosuchkind', '{}\n', { ...headers, ...ndjson })).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
    expect(await post('feedprobe/lines/extra', '{}\n', { ...headers, ...ndjson })).toMatchObject({ status: 404 });
    const text = await post('feedprobe/lines', '{}\n', { ...headers, 'content-type': 'text/plain' });
    expect(text).toMatchObject({ status: 415, json: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const json = await post('feedprobe/lines', '{}', { ...headers, 'content-type': 'application/json' });
    expect(json).toMatchObject({ status: 415, json: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' } });
    // text/csv is taken, with a charset: the format forwarded is csv.
    const csv = await post('feedprobe/lines', 'a\n1\n', { ...headers, 'content-type': 'text/csv; charset=utf-8' });
    expect(csv.status).toBe(200);
    expect(runs.map((r) => r.args.format)).toEqual(['csv']);
  });

  it('limits feed runs per minute per client: 429 with Retry-After', async () => {
    const headers = { ...(await auth(SLOW_CLIENT)), ...ndjson };
    expect((await post('feedprobe/lines', '{}\n', headers)).status).toBe(200);
    expect((await post('feedprobe/lines', '{}\n', headers)).status).toBe(200);
    const limited = await post('feedprobe/lines', '{}\n', headers);
    expect(limited).toMatchObject({ status: 429, json: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other clients keep their own budget.
    expect((await post('feedprobe/lines', '{}\n', { ...(await auth(FEED_CLIENT)), ...ndjson })).status).toBe(200);
    clock.advance(30_000);
    expect((await post('feedprobe/lines', '{}\n', headers)).status).toBe(200);
  });

  it('refuses a declared Content-Length above the limit before reading it (413)', async () => {
    const res = await streamPost(
      'feedprobe/lines',
      { ...(await auth(FEED_CLIENT)), ...ndjson, 'content-length': String(MAX_BYTES + 1) },
      lineSource(MAX_BYTES + 1),
    );
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(runs).toHaveLength(0);
  });

  it('streams a 1 GB chunked body, cuts it at the client limit with 413, and never buffers it', async () => {
    const source = lineSource(GIGABYTE);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const res = await streamPost('feedprobe/lines', { ...(await auth(FEED_CLIENT)), ...ndjson, 'x-request-id': 'feed-1gb' }, source);
    clearInterval(sampler);
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: `Feed body larger than ${MAX_BYTES} bytes` });
    expect(source.sent()).toBeLessThan(GIGABYTE / 4);
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
    // The subgraph's run saw its body end early (the gateway aborted it) and recorded FAILED.
    await until(() => runs.length === 1, 10_000, 'the aborted run');
    expect(runs[0]!.summary.status).toBe('FAILED');
    expect(runs[0]!.summary.read).toBeLessThan(MAX_BYTES / 8);
    expect(await auditEntry('feed-1gb')).toMatchObject({ outcome: 'error', status: 413, error_codes: ['PAYLOAD_TOO_LARGE'] });
  });
});

describe("the subgraph's POST /feeds/<kind>", () => {
  const subgraphFeeds = () => stack.subgraphs.feedprobe!.url.replace(/\/graphql$/, '/feeds/lines');
  const signer = () => createIdentitySigner(stack.identityKeys.privateKey);
  const machine = identityOf(['machine-client'], { regionCode: '330000' });

  it('refuses a direct call without the gateway signature (401), and a non-machine identity (403)', async () => {
    const direct = await request(subgraphFeeds(), { method: 'POST', headers: { ...ndjson, ...(await auth(FEED_CLIENT)) }, body: '{}\n' });
    expect(direct.statusCode).toBe(401);
    expect(await direct.body.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const forged = createIdentitySigner(generateKeyPairSync('ed25519').privateKey);
    const forgedCall = await request(subgraphFeeds(), {
      method: 'POST',
      headers: { ...ndjson, [IDENTITY_HEADER]: await forged.sign(machine, null, 'feedprobe') },
      body: '{}\n',
    });
    expect(forgedCall.statusCode).toBe(401);
    await forgedCall.body.dump();
    const supervisor = identityOf(['supervisor'], { regionCode: '330000' });
    const asUser = await request(subgraphFeeds(), {
      method: 'POST',
      headers: { ...ndjson, [IDENTITY_HEADER]: await signer().sign(supervisor, null, 'feedprobe') },
      body: '{}\n',
    });
    expect(asUser.statusCode).toBe(403);
    await asUser.body.dump();
    expect(runs).toHaveLength(0);
  });

  it('stops at the limit the gateway states (x-hub-feed-max-bytes): FAILED, 413', async () => {
    const res = await request(subgraphFeeds(), {
      method: 'POST',
      headers: { ...ndjson, [IDENTITY_HEADER]: await signer().sign(machine, null, 'feedprobe'), 'x-hub-feed-max-bytes': '1000' },
      body: '{"a":1}\n'.repeat(500),
    });
    expect(res.statusCode).toBe(413);
    expect(await res.body.json()).toMatchObject({ status: 'FAILED', error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(runs[0]!.summary.read).toBeLessThanOrEqual(125);
  });
});

/** A Readable of `total` bytes of NDJSON lines, made as it is read (one 64 KiB buffer, reused); `sent()` counts what was taken. */
function lineSource(total: number): Readable & { sent(): number } {
  const chunk = Buffer.from('{"n":1234567}\n'.repeat(4681));
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const piece = sent + chunk.length > total ? chunk.subarray(0, total - sent) : chunk;
      sent += piece.length;
      this.push(piece);
    },
  });
  return Object.assign(stream, { sent: () => sent });
}

/** POST a stream with node:http (the answer may come while the body is still being sent); the body stops once answered. */
function streamPost(path: string, headers: Record<string, string>, body: Readable): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${feedsUrl}/${path}`, { method: 'POST', headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        body.destroy();
        req.destroy();
        resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      });
      res.on('error', reject);
    });
    // Once answered, a write failing on the closed socket is the expected end of the body (reject is then a no-op).
    req.on('error', reject);
    body.pipe(req);
  });
}
