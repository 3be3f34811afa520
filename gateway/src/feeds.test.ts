import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '#common/audit/entry.js';
import { createIdentitySigner, createIdentityVerifier } from '#common/identity-signature.js';
import { IDENTITY_HEADER } from '#common/identity.js';
import { createLogger } from '#common/logger.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '#common/request-id.js';
import { feedFormatOf, feedHttpStatus, FeedBodyTooLarge, limitedStream } from '#platform/feed/http.js';
import type { AuditSink } from './audit.js';
import { createTokenVerifier } from './auth.js';
import { startDevIdentityProvider, type DevIdentityProvider } from './dev-idp/index.js';
import { feedAuditEntry } from './feed-audit.js';
import { countedBody, feedRoute, parseFeedPath, subgraphFeedUrl, type FeedGatewayOptions } from './feeds.js';
import { createAllowList } from './persisted.js';

async function drain<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}
async function* chunks(...sizes: number[]) {
  for (const size of sizes) yield Buffer.alloc(size, 0x61);
}

describe('feed paths, URLs, formats and statuses', () => {
  it('reads /feeds/<subgraph>/<kind> and nothing else', () => {
    expect(parseFeedPath('/feeds/procurement/ocds')).toEqual({ subgraph: 'procurement', kind: 'ocds' });
    for (const bad of [
      '/feeds/procurement',
      '/feeds/procurement/ocds/x',
      '/feeds//ocds',
      '/feeds/Procurement/ocds',
      '/feeds/a/../b',
      '/x/a/b',
    ]) {
      expect(parseFeedPath(bad), bad).toBeNull();
    }
  });

  it("puts the kind where the subgraph's /graphql was", () => {
    expect(subgraphFeedUrl('http://127.0.0.1:4101/graphql', 'ocds')).toBe('http://127.0.0.1:4101/feeds/ocds');
    expect(subgraphFeedUrl('https://hub.example/procurement/graphql?x=1', 'orders')).toBe('https://hub.example/procurement/feeds/orders');
  });

  it('maps the three media types (parameters ignored) and nothing else', () => {
    expect(['application/x-ndjson', 'Application/JSON; charset=utf-8', 'text/csv'].map(feedFormatOf)).toEqual(['ndjson', 'json', 'csv']);
    expect([undefined, 'text/plain', 'application/jsonx', 'multipart/form-data'].map(feedFormatOf)).toEqual([null, null, null, null]);
  });

  it('answers SUCCEEDED and PARTIAL with 200, FAILED with 422, and 413 when the limit stopped it', () => {
    expect(feedHttpStatus({ status: 'SUCCEEDED' })).toBe(200);
    expect(feedHttpStatus({ status: 'PARTIAL' })).toBe(200);
    expect(feedHttpStatus({ status: 'FAILED', error: { code: 'TRUNCATED', message: 'x' } })).toBe(422);
    expect(feedHttpStatus({ status: 'FAILED', error: { code: 'PAYLOAD_TOO_LARGE', message: 'x' } })).toBe(413);
  });

  it('passes a body of exactly the limit and stops at the first byte beyond it', async () => {
    const over: number[] = [];
    expect((await drain(countedBody(chunks(4, 6), 10, (n) => over.push(n)))).length).toBe(2);
    const cut = countedBody(chunks(4, 6, 1, 100), 10, (n) => over.push(n));
    await expect(drain(cut)).rejects.toThrow(/larger than 10 bytes/);
    expect(over).toEqual([11]);
    await expect(drain(limitedStream(chunks(5, 6), 10))).rejects.toBeInstanceOf(FeedBodyTooLarge);
    expect(await drain(limitedStream(chunks(5, 6), undefined))).toHaveLength(2);
  });
});

describe('the audit entry of a feed request', () => {
  const attempt = {
    requestId: 'r1',
    started: performance.now(),
    ip: '127.0.0.1',
    identity: null,
    feed: { subgraph: 'procurement', kind: 'ocds' },
  };

  it('records a run: type feed, its name, counts in detail, records = inserted + updated', () => {
    const summary = {
      runId: 'run-9',
      status: 'PARTIAL',
      source: 's',
      read: 10,
      inserted: 4,
      updated: 3,
      unchanged: 1,
      rejected: 2,
      error: null,
    };
    const entry = feedAuditEntry(attempt, { status: 200, answer: summary });
    expect(entry).toMatchObject({ operationType: 'feed', operationName: 'feed:procurement/ocds', outcome: 'ok', status: 200, records: 7 });
    expect(entry.detail).toEqual({
      runId: 'run-9',
      runStatus: 'PARTIAL',
      source: 's',
      read: 10,
      inserted: 4,
      updated: 3,
      unchanged: 1,
      rejected: 2,
    });
    const failed = feedAuditEntry(attempt, {
      status: 422,
      answer: { ...summary, status: 'FAILED', error: { code: 'TRUNCATED', message: 'm' } },
    });
    expect(failed).toMatchObject({ outcome: 'error', errorCodes: ['TRUNCATED'] });
  });

  it("records the subgraph's refusal as refused with its code", () => {
    const entry = feedAuditEntry(attempt, { status: 404, answer: { code: 'NOT_FOUND', message: 'No feed' } });
    expect(entry).toMatchObject({ outcome: 'refused', status: 404, errorCodes: ['NOT_FOUND'], records: 0 });
  });
});

/** The route on a real port, with real tokens, in front of real HTTP upstreams standing in for subgraphs. */
describe('the gateway feed route against upstreams', () => {
  let idp: DevIdentityProvider;
  const servers: Server[] = [];
  const entries: AuditEntry[] = [];
  const audit: AuditSink = { append: (e) => entries.push(e), flush: async () => undefined };
  const keys = generateKeyPairSync('ed25519');
  const received: { url: string; headers: IncomingMessage['headers']; bytes: number }[] = [];
  const upstreams = new Map<string, string>();
  let gatewayUrl: string;
  let noAuthUrl: string;

  const serve = async (handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) => {
    const server = createServer((req, res) => void handler(req, res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const routeServer = (opts: FeedGatewayOptions) => {
    const route = feedRoute(opts);
    return serve((req, res) => void route(req, res, requestIdFrom(req.headers[REQUEST_ID_HEADER])));
  };

  beforeAll(async () => {
    idp = await startDevIdentityProvider({ port: 0, nodeEnv: 'test' });
    idp.addMachineClient({ clientId: 'c1', secret: 'c1-secret', roles: ['machine-client'], regionCode: '330000' });
    // A subgraph that reads the body and answers a FAILED run; one that answers no JSON; one that is down.
    const echo = await serve(async (req, res) => {
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      received.push({ url: req.url!, headers: req.headers, bytes });
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          runId: 'r-7',
          status: 'FAILED',
          read: 0,
          inserted: 0,
          updated: 0,
          error: { code: 'EMPTY_FILE', message: 'empty' },
        }),
      );
    });
    const garbled = await serve((req, res) => void req.resume().on('end', () => res.writeHead(500).end('<html>oops')));
    const down = await serve(() => undefined);
    servers.pop()!.close();
    upstreams.set('echo', `${echo}/graphql`).set('garbled', `${garbled}/graphql`).set('down', `${down}/graphql`);
    const options: FeedGatewayOptions = {
      verifier: createTokenVerifier({ serverUrl: idp.serverUrl, realm: idp.realm, audience: idp.audience }),
      allowList: createAllowList({ clients: { c1: { feeds: ['echo/k', 'garbled/k', 'down/k'] } } }),
      subgraphs: () => upstreams,
      signer: createIdentitySigner(keys.privateKey),
      peerSigner: createIdentitySigner(keys.privateKey, 3600),
      audit,
      defaults: { maxBytes: 1024, perMinute: 0 },
      realm: idp.realm,
      log: createLogger({ level: 'silent' }),
    };
    gatewayUrl = `${await routeServer(options)}/feeds`;
    noAuthUrl = `${await routeServer({ ...options, verifier: null })}/feeds`;
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await idp?.stop();
  });
  beforeEach(() => {
    entries.length = 0;
    received.length = 0;
  });

  const post = async (url: string, headers: Record<string, string> = {}, body = '{}\n') => {
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...headers }, body });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  };
  const bearer = async () => ({ authorization: `Bearer ${await idp.tokenFor('c1')}` });

  it('forwards the body with the identity for the subgraph, peer identities, request id, format and limit; relays 422', async () => {
    const res = await post(
      `${gatewayUrl}/echo/k`,
      { ...(await bearer()), 'x-request-id': 'fwd-1', 'content-type': 'application/x-ndjson; charset=utf-8' },
      'x'.repeat(700),
    );
    expect(res).toMatchObject({ status: 422, json: { runId: 'r-7', status: 'FAILED' } });
    const [{ url, headers, bytes }] = received as [(typeof received)[0]];
    expect([url, bytes, headers['x-request-id'], headers['content-type'], headers['x-hub-feed-max-bytes']]).toEqual([
      '/feeds/k',
      700,
      'fwd-1',
      'application/x-ndjson',
      '1024',
    ]);
    expect(await createIdentityVerifier(keys.publicKey, 'echo')(headers[IDENTITY_HEADER])).toMatchObject({
      ok: true,
      identity: { clientId: 'c1' },
    });
    expect(await createIdentityVerifier(keys.publicKey, 'garbled')(headers['x-hub-peer-identity-garbled'])).toMatchObject({ ok: true });
    expect(headers['x-hub-peer-identity-echo']).toBeUndefined();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      operationName: 'feed:echo/k',
      outcome: 'error',
      status: 422,
      errorCodes: ['EMPTY_FILE'],
      detail: { runId: 'r-7' },
    });
  });

  it('answers 502 when the subgraph answers no JSON or is down, and audits it', async () => {
    expect(await post(`${gatewayUrl}/garbled/k`, await bearer())).toMatchObject({ status: 502, json: { code: 'BAD_GATEWAY' } });
    expect(await post(`${gatewayUrl}/down/k`, await bearer())).toMatchObject({ status: 502, json: { code: 'BAD_GATEWAY' } });
    expect(entries.map((e) => [e.outcome, e.status])).toEqual([
      ['error', 502],
      ['error', 502],
    ]);
  });

  it('takes no feed when authentication is off (everyone anonymous), and only POST', async () => {
    expect(await post(`${noAuthUrl}/echo/k`)).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    const get = await request(`${gatewayUrl}/echo/k`);
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    await get.body.dump();
    expect(received).toHaveLength(0);
  });
});
