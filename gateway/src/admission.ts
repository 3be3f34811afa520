import type { IncomingMessage } from 'node:http';
import type { Admission } from '#common/http.js';
import { hasControlCharacters } from '#common/text.js';
import { anonymousIdentity, type Identity } from '#common/identity.js';
import type { Logger } from '#common/logger.js';
import type { TokenVerifier } from './auth.js';
import type { AllowList } from './persisted.js';
import { sha256Hex } from './persisted.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';

/** Header in which a caller states why personal data must be shown unmasked (percent-encoded UTF-8). */
export const UNMASK_REASON_HEADER = 'x-hub-unmask-reason';
const MAX_REASON = 200;

/** What the gateway knows about an admitted request; its context and audit entry read it. */
export interface Admitted {
  identity: Identity;
  /** The stated unmask reason, or null. */
  reason: string | null;
  ip: string | null;
  started: number;
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
  /** Logged and audited, never shown. */
  reason: string;
  field?: string;
  headers?: Record<string, string>;
}

export interface AdmissionOptions {
  /** null: authentication off (AUTH_MODE=off, refused in production) — every caller is anonymous. */
  verifier: TokenVerifier | null;
  allowList: AllowList;
  rateLimit: { perSecond: number; burst: number };
  /** The rate limiter's clock in milliseconds (default performance.now): tests advance their own instead of sleeping. */
  now?: () => number;
  realm: string;
  log: Logger;
  /** Called for every refused request (the audit log records refusals too). */
  onRefused: (req: IncomingMessage, refusal: Refusal, partial: Partial<Admitted>, requestId: string) => void;
}

/**
 * Everything decided before GraphQL runs, in order: who is calling (token → identity, 401/403),
 * the stated unmask reason, the rate limit per client (`azp`) or user (`sub`), and — for machine
 * clients — the persisted-operation allow-list. A hash-only request gets its registered document.
 */
export function createAdmission(opts: AdmissionOptions) {
  const admitted = new WeakMap<IncomingMessage, Admitted>();
  const limiters = new Map<string, RateLimiter>();
  const defaultLimiter = createRateLimiter({ ...opts.rateLimit, now: opts.now });
  const limiterFor = (clientId: string | null): RateLimiter => {
    const own = clientId ? opts.allowList.rateLimitOf(clientId) : undefined;
    if (!own || !clientId) return defaultLimiter;
    let limiter = limiters.get(clientId);
    if (!limiter) limiters.set(clientId, (limiter = createRateLimiter({ ...own, now: opts.now })));
    return limiter;
  };

  async function admit(req: IncomingMessage, body: unknown, requestId: string): Promise<Admission> {
    const started = performance.now();
    const ip = req.socket.remoteAddress ?? null;
    const refuse = (refusal: Refusal, partial: Partial<Admitted> = {}): Admission => {
      opts.log.warn('request refused', {
        requestId,
        status: refusal.status,
        code: refusal.code,
        reason: refusal.reason,
        ip,
        subject: partial.identity?.subject,
        clientId: partial.identity?.clientId,
      });
      opts.onRefused(req, refusal, { ip, started, ...partial }, requestId);
      return {
        refuse: {
          status: refusal.status,
          code: refusal.code,
          message: refusal.message,
          headers: refusal.headers,
          extensions: refusal.field ? { field: refusal.field } : undefined,
        },
      };
    };

    let identity = anonymousIdentity;
    if (opts.verifier) {
      const verified = await opts.verifier.verifyToken(req);
      if (!verified.ok) {
        return verified.status === 401
          ? refuse({
              status: 401,
              code: 'UNAUTHENTICATED',
              message: 'Authentication required',
              reason: verified.reason,
              headers: { 'www-authenticate': `Bearer realm="${opts.realm}"` },
            })
          : refuse({ status: 403, code: 'FORBIDDEN', message: 'Forbidden', reason: verified.reason });
      }
      identity = verified.identity;
    }

    const reason = readReason(req.headers[UNMASK_REASON_HEADER]);
    if (reason === false) {
      return refuse(
        {
          status: 400,
          code: 'BAD_USER_INPUT',
          message: `${UNMASK_REASON_HEADER} must be 2–${MAX_REASON} characters of percent-encoded UTF-8`,
          reason: 'bad unmask reason',
          field: UNMASK_REASON_HEADER,
        },
        { identity },
      );
    }

    const caller =
      identity.kind === 'machine' && identity.clientId
        ? `client:${identity.clientId}`
        : identity.subject
          ? `user:${identity.subject}`
          : `ip:${ip}`;
    const wait = limiterFor(identity.kind === 'machine' ? identity.clientId : null).take(caller);
    if (wait > 0) {
      return refuse(
        {
          status: 429,
          code: 'RATE_LIMITED',
          message: 'Too many requests',
          reason: `rate limit of ${caller}`,
          headers: { 'retry-after': String(wait) },
        },
        { identity, reason },
      );
    }

    // A machine client runs registered operations only. (A GET cannot carry a registered hash: POST it.)
    const { request, hash, query } = readOperation(req, body);
    if (identity.kind === 'machine') {
      const effectiveHash = hash ?? (query !== null ? sha256Hex(query) : null);
      if (!effectiveHash || !identity.clientId || !opts.allowList.allows(identity.clientId, effectiveHash)) {
        return refuse(
          {
            status: 403,
            code: 'FORBIDDEN',
            message: 'Operation not registered for this client',
            reason: `unregistered operation ${effectiveHash ?? '(none)'}`,
            field: 'query',
          },
          { identity, reason },
        );
      }
    }
    let admittedBody = body;
    if (request && hash !== null) {
      const op = opts.allowList.byHash(hash);
      if (!op || (query !== null && sha256Hex(query) !== hash)) {
        return refuse(
          {
            status: 400,
            code: 'PERSISTED_QUERY_NOT_FOUND',
            message: 'Unknown persisted operation',
            reason: `unknown hash ${hash}`,
            field: 'extensions.persistedQuery',
          },
          { identity, reason },
        );
      }
      // The registered document replaces the hash; Apollo's own APQ cache is off (server.ts).
      const { persistedQuery: _, ...extensions } = request.extensions ?? {};
      admittedBody = { ...request, query: op.document, extensions };
    }

    admitted.set(req, { identity, reason, ip, started });
    return admittedBody === body ? undefined : { body: admittedBody };
  }

  return { admit, admitted: (req: IncomingMessage) => admitted.get(req) };
}

type OperationRequest = { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown> };

/** The document and persisted-operation hash a request carries: a JSON body's, or a GET's `query` parameter. */
function readOperation(
  req: IncomingMessage,
  body: unknown,
): { request: OperationRequest | null; hash: string | null; query: string | null } {
  if (body && typeof body === 'object') {
    const request = body as OperationRequest;
    const hash = request.extensions?.persistedQuery?.sha256Hash;
    return { request, hash: typeof hash === 'string' ? hash : null, query: typeof request.query === 'string' ? request.query : null };
  }
  return { request: null, hash: null, query: new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('query') };
}

/** null: no reason stated; false: a reason that is not acceptable (→ 400). */
function readReason(header: string | string[] | undefined): string | null | false {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw === '') return null;
  let text: string;
  try {
    text = decodeURIComponent(raw).trim();
  } catch {
    return false;
  }
  const length = Array.from(text).length;
  return length >= 2 && length <= MAX_REASON && !hasControlCharacters(text) ? text : false;
}
