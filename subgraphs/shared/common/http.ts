import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { DEFAULT_MAX_JSON_DEPTH, jsonTooDeep } from './json-depth.js';
import type { Logger } from './logger.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';

/** A route's handler; `requestId` is the request's id (also set on the response's header). */
export type Route = (req: IncomingMessage, res: ServerResponse, requestId: string) => void | Promise<void>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage, requestId: string) => Promise<TContext>;
  log: Logger;
  /** Path of the GraphQL endpoint. */
  path?: string;
  /** Largest accepted request body; larger gets 413 before it is parsed. */
  maxBodyBytes?: number;
  /**
   * Deepest nesting of objects and arrays accepted in a JSON body (the body itself is level 1) and
   * in a GET's `variables` and `extensions`; deeper gets 400 before it is parsed. Default 64.
   */
  maxJsonDepth?: number;
  /** Extra routes by exact path, e.g. /healthz. */
  routes?: Record<string, Route>;
  /**
   * Routes by path prefix, e.g. `/feeds/` (the longest matching prefix wins; exact routes first). Their
   * handlers read the body themselves: `maxBodyBytes` and JSON parsing do not apply (streamed feeds).
   */
  prefixRoutes?: Record<string, Route>;
  /**
   * A page served instead of GraphQL for a request to the endpoint, when it returns one (the
   * gateway's IDE for a browser's GET, in development).
   */
  page?: (req: IncomingMessage) => Route | undefined;
  /**
   * Runs on every GraphQL request once its body is parsed, before Apollo: refuse it (401/403/429…,
   * answered here as a GraphQL error), or let it through, optionally with a replaced body (a
   * persisted operation's document).
   */
  admit?: (req: IncomingMessage, body: unknown, requestId: string) => Admission | Promise<Admission>;
  /**
   * How an admitted request is run and answered. Default: run it and write its result. The
   * gateway shares one answer between identical requests in flight here (gateway/src/answer-sharing.ts).
   */
  respond?: (call: GraphQLCall) => Promise<void>;
}

/** One admitted GraphQL request, ready to run. */
export interface GraphQLCall {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** The parsed (and possibly admission-replaced) body. */
  body: unknown;
  /** Execute it with Apollo. */
  run: () => Promise<HTTPGraphQLResponse>;
}

export type Admission =
  | undefined
  | { body: unknown }
  | { refuse: { status: number; message: string; code: string; headers?: Record<string, string>; extensions?: Record<string, unknown> } };

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish (up to graceMs), then close every socket. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A small HTTP front for an ApolloServer (gateway and subgraphs alike): body limit, JSON parsing
 * with a 400 for malformed or too deeply nested input, request ids, extra routes and graceful
 * shutdown. Node's http module directly — no framework on the hot path.
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(opts: GraphQLHttpOptions<TContext>): Server {
  const path = opts.path ?? '/graphql';
  const limits = { maxBody: opts.maxBodyBytes ?? 100 * 1024, maxDepth: opts.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH };
  const prefixes = Object.keys(opts.prefixRoutes ?? {}).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    const route =
      opts.routes?.[pathname] ?? (prefix !== undefined ? opts.prefixRoutes![prefix] : pathname === path ? opts.page?.(req) : undefined);
    // Inside an async function, so a handler that throws synchronously is caught below too.
    const handle = (async () => {
      if (route) return route(req, res, requestId);
      if (pathname === path) return handleGraphQL(opts, req, res, requestId, limits);
      return notFound(res);
    })();
    handle.catch((err: unknown) => {
      // Whether the socket closed before we answered. (Not `req.destroyed`: a request whose body has
      // been read is destroyed anyway — autoDestroy — while its socket still waits for the answer.)
      const clientGone = res.destroyed || req.socket.destroyed;
      // The client hung up before its request had arrived (e.g. a scanner giving up): reading it
      // failed, which is not a server failure, and there is nobody to answer.
      if (clientGone && !req.complete) {
        opts.log.info('client closed the connection before the answer', { requestId });
        return;
      }
      // Anything else failed here, after the request was read: a server error, even if the client
      // has gone meanwhile (then only the log learns of it).
      opts.log.error('unhandled request failure', { requestId, err, ...(clientGone ? { clientGone } : {}) });
      if (clientGone) return;
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });
  // Outlive the gateway's idle keep-alive sockets so the server never closes one the client is reusing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function handleGraphQL<TContext extends BaseContext>(
  opts: GraphQLHttpOptions<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  { maxBody, maxDepth }: { maxBody: number; maxDepth: number },
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (req.method === 'POST') {
    const raw = await readBody(req, maxBody);
    if (raw === null) return sendJson(res, 413, graphQLErrorBody(`Request body larger than ${maxBody} bytes`, 'PAYLOAD_TOO_LARGE'));
    const type = headers.get('content-type') ?? '';
    if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
      const text = raw.toString('utf8');
      const deep = jsonTooDeep(text, maxDepth);
      if (deep) return sendTooDeep(res, deep.member, maxDepth);
      try {
        body = text.length === 0 ? undefined : JSON.parse(text);
      } catch {
        return sendJson(res, 400, graphQLErrorBody('Malformed JSON body', 'BAD_REQUEST'));
      }
      if (Array.isArray(body)) return sendJson(res, 400, graphQLErrorBody('Batched operations are not supported', 'BAD_REQUEST'));
    } else {
      body = raw.toString('utf8');
    }
  } else {
    // Apollo parses these two parameters of a GET as JSON: the same bound, counted as in a POST
    // body, where they are level 2.
    const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    for (const name of ['variables', 'extensions']) {
      for (const value of params.getAll(name)) if (jsonTooDeep(value, maxDepth - 1)) return sendTooDeep(res, name, maxDepth);
    }
  }
  if (opts.admit) {
    const admission = await opts.admit(req, body, requestId);
    if (admission && 'refuse' in admission) {
      const { status, message, code, headers: extra, extensions } = admission.refuse;
      for (const [key, value] of Object.entries(extra ?? {})) res.setHeader(key, value);
      return sendJson(res, status, { errors: [{ message, extensions: { code, ...extensions } }] });
    }
    if (admission) body = admission.body;
  }
  const admitted = body;
  const run = () =>
    opts.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: (req.url ?? '').split('?')[1] ?? '', body: admitted },
      context: () => opts.context(req, requestId),
    });
  if (opts.respond) return opts.respond({ req, res, requestId, body: admitted, run });
  return writeResult(res, await run());
}

/** Write Apollo's answer: a complete one in one write with its length, an incremental one chunk by chunk. */
export async function writeResult(res: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  if (result.body.kind === 'complete')
    return sendComplete(res, result.status ?? 200, result.headers, Buffer.from(result.body.string, 'utf8'));
  res.statusCode = result.status ?? 200;
  for (const [key, value] of result.headers) res.setHeader(key, value);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/** A whole answer, encoded, with its length: one write, no chunked framing. */
export function sendComplete(res: ServerResponse, status: number, headers: Iterable<[string, string]>, body: Buffer): void {
  res.statusCode = status;
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader('content-length', body.length);
  res.end(body);
}

/** The whole answer in memory (an incremental one as its chunks in order), to be sent more than once. */
export async function completeAnswer(result: HTTPGraphQLResponse): Promise<{ status: number; headers: [string, string][]; body: Buffer }> {
  let text: string;
  if (result.body.kind === 'complete') text = result.body.string;
  else {
    text = '';
    for await (const chunk of result.body.asyncIterator) text += chunk;
  }
  return { status: result.status ?? 200, headers: [...result.headers], body: Buffer.from(text, 'utf8') };
}

/** Resolves to null when the body exceeds the limit (the rest is drained, not buffered). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return new Promise((resolve) => req.on('end', () => resolve(null)).on('error', () => resolve(null)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export const graphQLErrorBody = (message: string, code: string, field?: string) => ({
  errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }],
});

/** 400 naming the body's member that nests too deeply (a name of sane length: it is the client's text). */
function sendTooDeep(res: ServerResponse, member: string | null, maxDepth: number): void {
  const field = member !== null && member.length <= 64 ? member : undefined;
  const where = field === undefined ? 'JSON body' : `\`${field}\``;
  sendJson(res, 400, graphQLErrorBody(`${where} nested deeper than ${maxDepth} levels`, 'BAD_REQUEST', field));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, graphQLErrorBody('Not found', 'NOT_FOUND'));
}

/** Listen and return a handle with graceful close. Port 0 picks a free port (tests). */
export async function listen(server: Server, port: number, host = '127.0.0.1', path = '/graphql'): Promise<RunningHttpServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? Object.assign(new Error(`${host}:${port} is already in use by another process`), { code: err.code })
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port: actual,
    url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${actual}${path}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        timer.unref();
        // Keep-alive sockets become idle one by one as their last response ends: sweep them.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        sweep.unref();
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Apollo pretty-prints responses (indent 2) by default: a third more bytes and CPU for no reader. */
export const compactJson = (value: unknown): string => JSON.stringify(value);
