import type { IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createAdmission, type Admitted } from '../../gateway/src/admission.js';
import { createTokenVerifier, type AuthSettings } from '../../gateway/src/auth.js';
import { refusedEntry, type AuditSink } from '../../gateway/src/audit.js';
import { loadAllowList, type AllowList } from '../../gateway/src/persisted.js';
import { createIdentitySigner } from '#common/identity-signature.js';
import { IDENTITY_HEADER } from '#common/identity.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '#common/request-id.js';
import { createLogger, type Logger } from '#common/logger.js';

export interface HubIdentityOptions {
  /** The realm the hub's gateway trusts (KEYCLOAK_URL, KEYCLOAK_REALM, KEYCLOAK_AUDIENCE). */
  keycloak: AuthSettings;
  /** The gateway's Ed25519 identity key (HUB_IDENTITY_PRIVATE_KEY, `loadSigningKey`). */
  signingKey: KeyObject;
  /** Machine clients' persisted-operation allow-list; default: none registered (machine clients get 403). */
  allowList?: AllowList;
  /** Per caller, as the hub's RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST (defaults 100 / 200). */
  rateLimit?: { perSecond: number; burst: number };
  /** Refusals (401/403/429/400) are written here as the hub gateway writes them; default: logged only. */
  audit?: AuditSink;
  log?: Logger;
}

/**
 * The hub gateway's identity behaviour for a Hive Gateway, by running the hub's own code:
 *
 * - every GraphQL request goes through the hub's admission (gateway/src/admission.ts): the bearer
 *   token verified by `createTokenVerifier` (gateway/src/auth.ts) and mapped to an identity, the
 *   `x-hub-unmask-reason` header read, the per-caller rate limit, and machine clients'
 *   persisted-operation allow-list (a registered hash is replaced by its document). A refusal is
 *   answered with the hub's status, headers (`WWW-Authenticate`, `Retry-After`) and error code;
 * - every subgraph fetch carries `x-hub-identity`, the admitted identity and unmask reason signed
 *   for that subgraph (aud = subgraph name), as HubDataSource does. Set on the fetch itself, so a
 *   header a client sent or another plugin propagated can never take its place.
 *
 * The subgraphs' audit reports (`hubAudit` response extension) do not reach clients: Hive does not
 * forward subgraph response extensions (tests/hive-conformance.e2e.ts checks it).
 *
 * Not included: the audit entry of an admitted operation (the hub writes it from an Apollo Server
 * plugin, gateway/src/audit.ts), and the hub's own operation limits and schema privacy (see README).
 */
export function useHubIdentity(opts: HubIdentityOptions): GatewayPlugin {
  const log = opts.log ?? createLogger({ level: 'warn', base: { service: 'hive-gateway' } });
  const signer = createIdentitySigner(opts.signingKey);
  const audit = opts.audit;
  const admission = createAdmission({
    verifier: createTokenVerifier(opts.keycloak),
    allowList: opts.allowList ?? loadAllowList(undefined),
    rateLimit: opts.rateLimit ?? { perSecond: 100, burst: 200 },
    realm: opts.keycloak.realm,
    log,
    onRefused: (req, refusal, partial, requestId) => audit?.append(refusedEntry(req, refusal, partial, requestId)),
  });
  /** Fetch request → what admission decided about it (read when its subgraph fetches are sent). */
  const admitted = new WeakMap<Request, Admitted>();

  return {
    async onParams({ request, params, setParams, setResult, context }) {
      const req = incomingMessageOf(request, context as { req?: IncomingMessage });
      const verdict = await admission.admit(req, params, requestIdFrom(req.headers[REQUEST_ID_HEADER]));
      if (verdict && 'refuse' in verdict) {
        const { status, message, code, headers, extensions } = verdict.refuse;
        // Yoga answers with extensions.http's status and headers, and strips `http` from the body.
        setResult({ errors: [new GraphQLError(message, { extensions: { code, ...extensions, http: { status, headers } } })] });
        return;
      }
      if (verdict) setParams(verdict.body as typeof params);
      const who = admission.admitted(req);
      if (who) admitted.set(request, who);
    },

    async onFetch(payload) {
      const { executionRequest, options } = payload;
      const request = (executionRequest?.context as { request?: Request } | undefined)?.request;
      const who = request && admitted.get(request);
      const subgraph = executionRequest?.subgraphName;
      // No admitted identity or no subgraph name: nothing is signed, and the subgraph answers 401.
      if (!who || !subgraph) return;
      const header = await signer.sign(who.identity, who.reason, subgraph);
      payload.setOptions({ ...options, headers: { ...options.headers, [IDENTITY_HEADER]: header } });
    },
  };
}

/**
 * What admission reads of a request (headers, URL, peer address) as an IncomingMessage: the real one
 * under node:http, else a view of the Fetch request (other servers Hive runs on).
 */
function incomingMessageOf(request: Request, serverContext: { req?: IncomingMessage }): IncomingMessage {
  const node = serverContext.req;
  if (node?.headers && node.socket) return node;
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => (headers[key] = value));
  const url = new URL(request.url, 'http://localhost');
  return {
    headers,
    url: `${url.pathname}${url.search}`,
    method: request.method,
    socket: { remoteAddress: undefined },
  } as unknown as IncomingMessage;
}
