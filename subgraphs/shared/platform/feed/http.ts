import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Route } from '#common/http.js';
import { hasRole, IDENTITY_HEADER, type Identity } from '#common/identity.js';
import type { IdentityVerifier } from '#common/identity-signature.js';
import type { Logger } from '#common/logger.js';
import { hasControlCharacters } from '#common/text.js';
import type { FeedError, FeedFormat, FeedKind, RunSummary } from './types.js';

/**
 * The HTTP side of the feed platform (docs/operations.md, "Feeds over HTTP"): the gateway's
 * `POST /feeds/<subgraph>/<kind>` streams the body to the owning subgraph's `POST /feeds/<kind>`,
 * which hands it to the injected runner (`runFeed`). Both ends share the names below.
 */

/** Runs one feed over a streamed body and records it (feed_run); resolves to its summary, FAILED included. */
export type FeedRunner = (args: {
  subgraph: string;
  kind: FeedKind;
  format: FeedFormat;
  sourceName: string;
  stream: AsyncIterable<Buffer>;
  client: string;
  identity: Identity;
  /** Peer subgraph name → the `x-hub-identity` header to send it (cross-subgraph look-ups during the run). */
  peerIdentities: Record<string, string>;
  maxBytes?: number;
}) => Promise<RunSummary>;

/** `x-hub-peer-identity-<peer>`: an identity the gateway signed for `<peer>`, longer-lived (a run may take many minutes). */
export const PEER_IDENTITY_PREFIX = 'x-hub-peer-identity-';
/** The body limit the gateway applies, so the subgraph stops at the same byte. */
export const FEED_MAX_BYTES_HEADER = 'x-hub-feed-max-bytes';
/** The client's name for what it sends (e.g. its file name), kept on the run record. */
export const FEED_SOURCE_HEADER = 'x-hub-feed-source';
export const FEED_ERROR_TOO_LARGE = 'PAYLOAD_TOO_LARGE';

const CONTENT_TYPES: Record<string, FeedFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/json': 'json',
  'text/csv': 'csv',
};
/** The media type of each format (what the gateway forwards). */
export const FEED_CONTENT_TYPE: Record<FeedFormat, string> = { ndjson: 'application/x-ndjson', json: 'application/json', csv: 'text/csv' };

/** The format a Content-Type names (parameters such as charset ignored), or null (→ 415). */
export function feedFormatOf(contentType: string | undefined): FeedFormat | null {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return CONTENT_TYPES[media] ?? null;
}

/** A stated source name: 1–200 printable characters, else null (the request id is used instead). */
export function feedSourceName(header: string | string[] | undefined): string | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value && value.length <= 200 && !hasControlCharacters(value) ? value : null;
}

/**
 * The HTTP status of a run: SUCCEEDED and PARTIAL (some records rejected, the rest loaded) 200;
 * FAILED 413 when the body limit stopped it, else 422 (the body could not be run: truncated, empty…).
 */
export function feedHttpStatus(summary: Pick<RunSummary, 'status' | 'error'>): number {
  if (summary.status !== 'FAILED') return 200;
  return summary.error?.code === FEED_ERROR_TOO_LARGE ? 413 : 422;
}

/** Thrown by `limitedStream` past the limit; a runner records it as the run's error. */
export class FeedBodyTooLarge extends Error implements FeedError {
  readonly code = FEED_ERROR_TOO_LARGE;
  constructor(readonly maxBytes: number) {
    super(`Feed body larger than ${maxBytes} bytes`);
  }
}

/** The chunks of `source`, failing with FeedBodyTooLarge once more than `maxBytes` have come (nothing past it is passed on). */
export async function* limitedStream(source: AsyncIterable<Buffer>, maxBytes: number | undefined): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (maxBytes !== undefined && bytes > maxBytes) throw new FeedBodyTooLarge(maxBytes);
    yield chunk;
  }
}

/** The peer identities the gateway sent: peer name → header value. */
export function peerIdentitiesOf(req: IncomingMessage): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(PEER_IDENTITY_PREFIX) && typeof value === 'string') peers[name.slice(PEER_IDENTITY_PREFIX.length)] = value;
  }
  return peers;
}

export const sendFeedError = (res: ServerResponse, status: number, error: FeedError, headers: Record<string, string> = {}) => {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, error);
};

export interface FeedRouteOptions {
  subgraph: string;
  feeds: readonly FeedKind[];
  runner: FeedRunner;
  /** The subgraph's verifier of `x-hub-identity` (the one its GraphQL requests go through). */
  verifyIdentity: IdentityVerifier;
  log: Logger;
}

/** A subgraph's `POST /feeds/<kind>` (mounted as the prefix route `/feeds/`): only the gateway's signed machine clients. */
export function feedRoute(opts: FeedRouteOptions): Route {
  const kinds = new Map(opts.feeds.map((k) => [k.kind, k]));
  return async (req, res, requestId) => {
    const refuse = (status: number, code: string, message: string, field?: string) => {
      opts.log.warn('feed request refused', { requestId, status, code, message });
      sendFeedError(res, status, { code, message, ...(field ? { field } : {}) });
    };
    if (req.method !== 'POST')
      return sendFeedError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'POST a feed body' }, { allow: 'POST' });
    const vouched = await opts.verifyIdentity(req.headers[IDENTITY_HEADER]);
    if (!vouched.ok) return refuse(401, 'UNAUTHENTICATED', 'Requests must come through the gateway');
    const { identity } = vouched;
    if (identity.kind !== 'machine' || !hasRole(identity, ['machine-client']))
      return refuse(403, 'FORBIDDEN', 'Feeds are for machine clients');
    const name = decodeURIComponent((req.url ?? '').split('?', 1)[0]!.slice('/feeds/'.length));
    const kind = kinds.get(name);
    if (!kind) return refuse(404, 'NOT_FOUND', `No feed ${JSON.stringify(name)} in ${opts.subgraph}`, 'kind');
    const format = feedFormatOf(req.headers['content-type']);
    if (!format || !kind.formats.includes(format)) {
      return refuse(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Feed ${kind.kind} takes ${kind.formats.map((f) => FEED_CONTENT_TYPE[f]).join(', ')}`,
        'content-type',
      );
    }
    const declared = Number(req.headers[FEED_MAX_BYTES_HEADER]);
    const maxBytes = Number.isSafeInteger(declared) && declared > 0 ? declared : undefined;
    const summary = await opts.runner({
      subgraph: opts.subgraph,
      kind,
      format,
      sourceName: feedSourceName(req.headers[FEED_SOURCE_HEADER]) ?? `http:${requestId}`,
      // A runner that stops early (or the limit) must not destroy the socket its answer goes out on.
      stream: limitedStream(req.iterator({ destroyOnReturn: false }), maxBytes),
      client: identity.clientId ?? identity.subject ?? 'unknown',
      identity,
      peerIdentities: peerIdentitiesOf(req),
      maxBytes,
    });
    opts.log.info('feed run', { requestId, runId: summary.runId, kind: kind.kind, status: summary.status, read: summary.read });
    // The gateway aborted (body limit) or the client left: the run is recorded; nobody waits for this answer.
    if (res.destroyed || req.socket.destroyed) return;
    sendJson(res, feedHttpStatus(summary), summary);
  };
}
