import type { IncomingMessage } from 'node:http';
import { Kind, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import type { CollapseOptions, CollapsePeers } from './answer-sharing.js';
import { identityScopeKey } from '#common/identity.js';
import type { Admitted } from './admission.js';
import { followerEntry, type AuditSink } from './audit.js';
import { contextOf } from './context.js';
import type { Logger } from '#common/logger.js';

/**
 * In-flight collapsing of identical client operations (COLLAPSE_OPERATIONS=on): while one request
 * runs, identical requests from callers of the same scope wait for its answer instead of running
 * the plan again. "Identical" is everything that can change the answer: the caller's identity
 * scope (kind, roles, region, hospital, unmask reason — identity.ts `identityScopeKey`), method,
 * the headers the answer depends on (format, CSRF checks), and the whole admitted request (document, operation name, variables, extensions).
 * Queries only: a mutation always runs once per request. Every follower still gets its own audit
 * entry, naming the request whose answer it received. Nothing is kept once the answer is sent.
 * With cluster workers, `peers` (cluster-collapse.ts) extends this across the workers.
 */
export function operationCollapsing(opts: {
  admitted: (req: IncomingMessage) => Admitted | undefined;
  audit: AuditSink;
  peers?: CollapsePeers | null;
  /** At debug level, each request joining one in flight is logged (its request id only). */
  log?: Logger;
}): CollapseOptions & { followers(): number } {
  const readOnly = new QueryDocuments();
  let followers = 0;
  return {
    peers: opts.peers,
    followers: () => followers,
    key(req, body) {
      const who = opts.admitted(req);
      if (!who) return null;
      const method = req.method ?? 'GET';
      let request: { query?: unknown; operationName?: unknown };
      if (method === 'GET') {
        const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
        request = { query: params.get('query'), operationName: params.get('operationName') };
      } else if (body && typeof body === 'object') request = body;
      else return null;
      if (
        typeof request.query !== 'string' ||
        !readOnly.isQuery(request.query, typeof request.operationName === 'string' ? request.operationName : null)
      )
        return null;
      const what = method === 'GET' ? req.url : JSON.stringify(body);
      const headers = ANSWER_HEADERS.map((name) => req.headers[name] ?? '').join('\n');
      return `${identityScopeKey(who.identity, who.reason)}\n${method}\n${headers}\n${what}`;
    },
    meta: (req) => contextOf(req)?.audit.entry,
    joined: (_req, requestId) => opts.log?.debug('collapse: joined an execution in flight', { requestId }),
    shared(req, requestId, response) {
      const who = opts.admitted(req);
      if (!who) return;
      followers++;
      opts.audit.append(
        followerEntry(response.meta as Parameters<typeof followerEntry>[0], who, requestId, response.leaderRequestId, response.status),
      );
    },
  };
}

/** Request headers Apollo's answer depends on: the response format, and CSRF prevention's checks on a GET. */
const ANSWER_HEADERS = ['accept', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** Whether a document's selected operation is a query; parses each distinct document once (bounded). */
export class QueryDocuments {
  private readonly parsed = new Map<string, DocumentNode | null>();
  constructor(private readonly max = 1_000) {}

  isQuery(query: string, operationName: string | null): boolean {
    let doc = this.parsed.get(query);
    if (doc === undefined) {
      try {
        doc = parse(query, { maxTokens: 5_000 });
      } catch {
        doc = null; // invalid: runs alone and gets its own error
      }
      if (this.parsed.size >= this.max) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(query, doc);
    }
    if (!doc) return false;
    const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const selected =
      operationName === null
        ? operations.length === 1
          ? operations[0]
          : undefined
        : operations.find((o) => o.name?.value === operationName);
    return selected?.operation === OperationTypeNode.QUERY;
  }
}
