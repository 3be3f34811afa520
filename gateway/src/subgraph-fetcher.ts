import { Agent, request } from 'undici';
import { IDENTITY_HEADER } from '#common/identity.js';
import { Inflight } from './inflight.js';

/**
 * The gateway's HTTP client to its subgraphs: keep-alive connections (undici pool per origin),
 * a timeout per fetch, and one retry of a query whose connection was reset. The retry matters:
 * with a plain keep-alive agent, a saturated @apollo/gateway answered HTTP 200 with partial data
 * and "socket hang up" in 4 of 5,628 requests (measured on this kind of machine before the hub had this retry) — a server closing an
 * idle socket just as the client reuses it. Mutations are never retried (not idempotent).
 */
export interface FetcherOptions {
  timeoutMs: number;
  connections: number;
  /**
   * Share one fetch between identical queries in flight: same URL, same signed identity header
   * (so the same caller and unmask reason) and same body (document and variables). Each sharer
   * parses the body itself: the gateway merges into what it parses.
   */
  dedup?: boolean;
}

export interface MinimalResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export function isConnectionReset(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string }; message?: string } | null;
  return Boolean(
    (e?.code && RESET_CODES.has(e.code)) ||
    (e?.cause?.code && RESET_CODES.has(e.cause.code)) ||
    /socket hang up|other side closed/i.test(e?.message ?? ''),
  );
}

export function createSubgraphFetcher(opts: FetcherOptions) {
  const dispatcher = new Agent({
    connections: opts.connections,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    pipelining: 1,
  });

  type Init = { method?: string; headers?: Record<string, string>; body?: string };
  const once = async (url: string, init: Init, timeoutMs: number): Promise<MinimalResponse> => {
    const res = await request(url, {
      method: (init.method ?? 'POST') as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body now so a reset mid-body is retried too, and the socket is released promptly.
    const body = await res.body.text();
    const headers = res.headers;
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      statusText: String(res.statusCode),
      url,
      headers: {
        get: (name) => {
          const v = headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        },
      },
      text: async () => body,
      json: async () => JSON.parse(body) as unknown,
    };
  };

  const retried = async (url: string, init: Init, timeoutMs: number) => {
    try {
      return await once(url, init, timeoutMs);
    } catch (err) {
      if (!isConnectionReset(err) || isMutation(init.body)) throw err;
      return once(url, init, timeoutMs);
    }
  };
  const inflight = new Inflight<MinimalResponse>();

  /** A fetcher with its own timeout (one per subgraph), over the shared keep-alive pools. */
  const withTimeout =
    (timeoutMs: number) =>
    async (url: string, init: Init = {}) => {
      if (!opts.dedup || isMutation(init.body)) return retried(url, init, timeoutMs);
      const key = `${url}\n${init.headers?.[IDENTITY_HEADER] ?? ''}\n${init.body ?? ''}`;
      return inflight.run(key, () => retried(url, init, timeoutMs));
    };

  return { fetcher: withTimeout(opts.timeoutMs), withTimeout, inflight, close: () => dispatcher.close() };
}

/** The gateway prints subgraph operations with an explicit operation keyword first. */
function isMutation(body: string | undefined): boolean {
  if (!body) return false;
  const at = body.indexOf('"query":"');
  return at >= 0 && /^\s*mutation\b/.test(body.slice(at + 9, at + 40));
}
