import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { Route } from '#common/http.js';
import { hasRole, IDENTITY_HEADER, type Identity } from '#common/identity.js';
import type { IdentitySigner } from '#common/identity-signature.js';
import type { Logger } from '#common/logger.js';
import { REQUEST_ID_HEADER } from '#common/request-id.js';
import {
  FEED_CONTENT_TYPE,
  FEED_ERROR_TOO_LARGE,
  FEED_MAX_BYTES_HEADER,
  FEED_SOURCE_HEADER,
  feedFormatOf,
  feedSourceName,
  PEER_IDENTITY_PREFIX,
  sendFeedError,
} from '#platform/feed/http.js';
import type { AuditSink } from './audit.js';
import type { TokenVerifier } from './auth.js';
import { feedAuditEntry, type FeedAttempt } from './feed-audit.js';
import type { AllowList } from './persisted.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';

/**
 * `POST /feeds/<subgraph>/<kind>` (docs/operations.md, "Feeds over HTTP"): a machine client streams
 * a feed body to the subgraph that owns it. Checked in order — token (401), machine client (403),
 * known subgraph (404), the client's allow-list entry names the feed (403), Content-Type (415),
 * declared length (413), runs per minute (429) — then piped, never buffered, counted as it goes
 * and cut at the client's limit (413). Not subject to MAX_BODY_BYTES: its own limit is FEED_MAX_BYTES.
 */
export const FEEDS_PREFIX = '/feeds/';
/** Longest a run may take before the subgraph answers (the peer identities live as long). */
export const FEED_RUN_TIMEOUT_MS = 60 * 60 * 1000;
/** Largest answer read from the subgraph (a RunSummary is some hundred bytes). */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** After a 413 the client may still be sending: its socket is closed this long after the answer at the latest. */
const LINGER_MS = 2_000;
const NAME = /^[a-z][a-z0-9_-]*$/;

export interface FeedGatewayOptions {
  /** null: AUTH_MODE=off — every caller is anonymous, so no feed is accepted. */
  verifier: TokenVerifier | null;
  allowList: AllowList;
  /** Subgraph name → its GraphQL URL (the gateway's map, filled as the supergraph loads). */
  subgraphs: () => ReadonlyMap<string, string>;
  /** Signs `x-hub-identity` for the owning subgraph (the gateway's signer, 60 s). */
  signer: IdentitySigner;
  /** Signs `x-hub-peer-identity-<peer>` for every other subgraph: long-lived (a run may take many minutes). */
  peerSigner: IdentitySigner;
  audit: AuditSink;
  /** FEED_MAX_BYTES and FEED_RATE_PER_MINUTE; a client's `feedLimits` override them. */
  defaults: { maxBytes: number; perMinute: number };
  realm: string;
  log: Logger;
  /** The rate limiter's clock in milliseconds (tests advance their own). */
  now?: () => number;
}

/** `/feeds/<subgraph>/<kind>` → its two names, or null (→ 404). */
export function parseFeedPath(pathname: string): { subgraph: string; kind: string } | null {
  const [subgraph, kind, ...rest] = pathname.slice(FEEDS_PREFIX.length).split('/');
  return pathname.startsWith(FEEDS_PREFIX) && rest.length === 0 && NAME.test(subgraph ?? '') && NAME.test(kind ?? '')
    ? { subgraph: subgraph!, kind: kind! }
    : null;
}

/** Where a subgraph serves its feeds: its GraphQL URL with `/graphql` replaced by `/feeds/<kind>`. */
export function subgraphFeedUrl(graphqlUrl: string, kind: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = `${url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}/feeds/${kind}`;
  url.search = '';
  return url.toString();
}

/** The body's chunks, counted; past `maxBytes` `onOver` runs and the iteration fails (the upstream request is aborted). */
export async function* countedBody(source: AsyncIterable<Buffer>, maxBytes: number, onOver: (bytes: number) => void) {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      onOver(bytes);
      throw new Error(`feed body larger than ${maxBytes} bytes`);
    }
    yield chunk;
  }
}

export function feedRoute(opts: FeedGatewayOptions): Route {
  const limiters = new Map<number, RateLimiter>();
  const limiterFor = (perMinute: number) => {
    let limiter = limiters.get(perMinute);
    if (!limiter)
      limiters.set(perMinute, (limiter = createRateLimiter({ perSecond: perMinute / 60, burst: Math.max(1, perMinute), now: opts.now })));
    return limiter;
  };

  return async (req, res, requestId) => {
    const attempt: FeedAttempt = {
      requestId,
      started: performance.now(),
      ip: req.socket.remoteAddress ?? null,
      identity: null,
      feed: null,
    };
    const refuse = (status: number, code: string, message: string, reason: string, headers: Record<string, string> = {}) => {
      opts.log.warn('feed refused', { requestId, status, code, reason, ip: attempt.ip, clientId: attempt.identity?.clientId });
      opts.audit.append(feedAuditEntry(attempt, { outcome: 'refused', status, errorCodes: [code], detail: { reason } }));
      sendFeedError(res, status, { code, message }, headers);
    };
    if (req.method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'POST a feed body', `method ${req.method}`, { allow: 'POST' });
    const path = parseFeedPath((req.url ?? '').split('?', 1)[0]!);
    if (path) attempt.feed = path;

    const verified = opts.verifier ? await opts.verifier.verifyToken(req) : null;
    if (!verified || !verified.ok) {
      const reason = verified?.reason ?? 'authentication is off: no machine client';
      if (verified?.status === 401) {
        return refuse(401, 'UNAUTHENTICATED', 'Authentication required', reason, { 'www-authenticate': `Bearer realm="${opts.realm}"` });
      }
      return refuse(403, 'FORBIDDEN', 'Forbidden', reason);
    }
    const identity = (attempt.identity = verified.identity);
    if (identity.kind !== 'machine' || !hasRole(identity, ['machine-client']) || !identity.clientId) {
      return refuse(403, 'FORBIDDEN', 'Feeds are for machine clients', `roles ${identity.roles.join(', ')}`);
    }
    const target = path && opts.subgraphs().get(path.subgraph);
    if (!path || !target) return refuse(404, 'NOT_FOUND', 'No such feed', `no subgraph for ${req.url}`);
    const feed = `${path.subgraph}/${path.kind}`;
    if (!opts.allowList.allowsFeed(identity.clientId, feed)) {
      return refuse(403, 'FORBIDDEN', 'Feed not registered for this client', `feed ${feed} not in the manifest of ${identity.clientId}`);
    }
    const format = feedFormatOf(req.headers['content-type']);
    if (!format) {
      const types = Object.values(FEED_CONTENT_TYPE).join(', ');
      return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be one of ${types}`, `content-type ${req.headers['content-type']}`);
    }
    const own = opts.allowList.feedLimitsOf(identity.clientId);
    const maxBytes = own?.maxBytes ?? opts.defaults.maxBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      res.setHeader('connection', 'close');
      lingerThenClose(req, res);
      return refuse(413, FEED_ERROR_TOO_LARGE, `Feed body larger than ${maxBytes} bytes`, `content-length ${declared}`);
    }
    const wait = limiterFor(own?.perMinute ?? opts.defaults.perMinute).take(`client:${identity.clientId}`);
    if (wait > 0)
      return refuse(429, 'RATE_LIMITED', 'Too many feed runs', `feed runs of ${identity.clientId}`, { 'retry-after': String(wait) });

    const headers = await upstreamHeaders(opts, identity, path.subgraph, requestId, req, format, maxBytes);
    await forward(opts, req, res, attempt, subgraphFeedUrl(target, path.kind), headers, maxBytes);
  };
}

/** The owning subgraph's identity, one long-lived identity per peer, the request id, format, limit and source name. */
async function upstreamHeaders(
  opts: FeedGatewayOptions,
  identity: Identity,
  subgraph: string,
  requestId: string,
  req: IncomingMessage,
  format: keyof typeof FEED_CONTENT_TYPE,
  maxBytes: number,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    [IDENTITY_HEADER]: await opts.signer.sign(identity, null, subgraph),
    [REQUEST_ID_HEADER]: requestId,
    'content-type': FEED_CONTENT_TYPE[format],
    [FEED_MAX_BYTES_HEADER]: String(maxBytes),
  };
  for (const peer of opts.subgraphs().keys()) {
    if (peer !== subgraph) headers[`${PEER_IDENTITY_PREFIX}${peer}`] = await opts.peerSigner.sign(identity, null, peer);
  }
  const source = feedSourceName(req.headers[FEED_SOURCE_HEADER]);
  if (source) headers[FEED_SOURCE_HEADER] = source;
  return headers;
}

/** Pipe the body to the subgraph and relay its answer (a RunSummary, or its refusal); one audit entry either way. */
async function forward(
  opts: FeedGatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  attempt: FeedAttempt,
  url: string,
  headers: Record<string, string>,
  maxBytes: number,
): Promise<void> {
  const abort = new AbortController();
  let cutAt: number | null = null;
  // Not destroyed when the count stops early: the socket must stay open for the 413.
  const body = countedBody(req.iterator({ destroyOnReturn: false }), maxBytes, (bytes) => {
    cutAt = bytes;
    abort.abort();
  });
  let answer: { status: number; json: unknown } | null = null;
  let failure: unknown = null;
  try {
    const upstream = await request(url, {
      method: 'POST',
      headers,
      body: Readable.from(body, { objectMode: false }),
      signal: abort.signal,
      headersTimeout: FEED_RUN_TIMEOUT_MS,
      bodyTimeout: FEED_RUN_TIMEOUT_MS,
    });
    answer = { status: upstream.statusCode, json: await readAnswer(upstream.body) };
  } catch (err) {
    failure = err;
  }
  const { requestId } = attempt;
  if (cutAt !== null) {
    res.setHeader('connection', 'close');
    lingerThenClose(req, res);
    opts.log.warn('feed body over its limit: upstream aborted', { requestId, maxBytes });
    opts.audit.append(feedAuditEntry(attempt, { outcome: 'error', status: 413, errorCodes: [FEED_ERROR_TOO_LARGE], detail: { maxBytes } }));
    await opts.audit.flush();
    return sendFeedError(res, 413, { code: FEED_ERROR_TOO_LARGE, message: `Feed body larger than ${maxBytes} bytes` });
  }
  if (!answer || answer.json === undefined) {
    const clientGone = req.destroyed && !req.complete;
    opts.log.error(clientGone ? 'feed client left mid-body' : 'feed subgraph failed', { requestId, url, err: failure });
    const code = clientGone ? 'CLIENT_CLOSED_REQUEST' : 'BAD_GATEWAY';
    opts.audit.append(feedAuditEntry(attempt, { outcome: 'error', status: clientGone ? null : 502, errorCodes: [code], detail: null }));
    await opts.audit.flush();
    if (!clientGone && !res.destroyed) sendFeedError(res, 502, { code, message: 'The feed could not be run' });
    return;
  }
  opts.audit.append(feedAuditEntry(attempt, { status: answer.status, answer: answer.json }));
  // A run wrote data: its entry is stored before the answer leaves (as a mutation's is).
  await opts.audit.flush();
  if (!res.destroyed) sendJsonAnswer(res, answer.status, answer.json);
}

/** The subgraph's JSON answer (bounded), or undefined when it is not JSON. */
async function readAnswer(body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function sendJsonAnswer(res: ServerResponse, status: number, json: unknown) {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A 413 leaves the client mid-body: its remaining bytes are read and dropped (nothing kept) so it
 * can read the answer, and the socket closes once it stops or LINGER_MS after the answer at the latest.
 */
function lingerThenClose(req: IncomingMessage, res: ServerResponse) {
  res.once('finish', () => {
    req.resume();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  });
}
