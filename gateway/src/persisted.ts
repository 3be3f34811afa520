import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Persisted operations: the allow-list of machine clients (docs/identity.md, "Machine clients"). Another government
 * system registers each operation it will run — by the SHA-256 of the document, as in Apollo's
 * persisted-query protocol — and the gateway refuses anything else from that client. The manifest
 * is a reviewed file owned by the security administrator (docs/identity.md, "Machine clients"); users in
 * consoles may send hashes of registered operations too, but are not limited to them.
 */
const FEED_NAME = /^[a-z][a-z0-9_-]*\/[a-z][a-z0-9_-]*$/;

const manifestSchema = z.object({
  clients: z.record(
    z.string().min(1),
    z.object({
      /** Requests per second for this client (overrides RATE_LIMIT_PER_SECOND / _BURST). */
      rateLimit: z.object({ perSecond: z.number().int().min(0), burst: z.number().int().min(1) }).optional(),
      /** Feeds it may post (`POST /feeds/<subgraph>/<kind>`), as `<subgraph>/<kind>`. */
      feeds: z.array(z.string().regex(FEED_NAME, 'a feed is "<subgraph>/<kind>"')).default([]),
      /** Its own feed limits (override FEED_MAX_BYTES / FEED_RATE_PER_MINUTE). */
      feedLimits: z.object({ maxBytes: z.number().int().min(1).optional(), perMinute: z.number().int().min(0).optional() }).optional(),
      operations: z
        .array(
          z.object({
            name: z.string().min(1),
            document: z.string().min(1),
            sha256: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .optional(),
          }),
        )
        .default([]),
    }),
  ),
});
export type PersistedManifest = z.input<typeof manifestSchema>;
export type FeedLimits = { maxBytes?: number; perMinute?: number };

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export interface PersistedOperation {
  name: string;
  document: string;
  hash: string;
}

export interface AllowList {
  /** The registered operation with this hash, for anyone (hash-only requests). */
  byHash(hash: string): PersistedOperation | undefined;
  /** Has this client registered this hash? A client without an entry has registered nothing. */
  allows(clientId: string, hash: string): boolean;
  rateLimitOf(clientId: string): { perSecond: number; burst: number } | undefined;
  /** May this client post feed `<subgraph>/<kind>`? */
  allowsFeed(clientId: string, feed: string): boolean;
  /** The client's own feed limits, if its entry states any. */
  feedLimitsOf(clientId: string): FeedLimits | undefined;
  /** Add an operation for a client at run time (tests; a future registration API). */
  register(clientId: string, document: string, name?: string): PersistedOperation;
  readonly size: number;
}

export function createAllowList(input: PersistedManifest = { clients: {} }): AllowList {
  const manifest = manifestSchema.parse(input);
  const operations = new Map<string, PersistedOperation>();
  const perClient = new Map<string, Set<string>>();
  const limits = new Map<string, { perSecond: number; burst: number }>();
  const feeds = new Map(Object.entries(manifest.clients).map(([id, client]) => [id, new Set(client.feeds)]));
  const list: AllowList = {
    byHash: (hash) => operations.get(hash),
    allows: (clientId, hash) => perClient.get(clientId)?.has(hash) ?? false,
    rateLimitOf: (clientId) => limits.get(clientId),
    allowsFeed: (clientId, feed) => feeds.get(clientId)?.has(feed) ?? false,
    feedLimitsOf: (clientId) => manifest.clients[clientId]?.feedLimits,
    register(clientId, document, name = 'anonymous') {
      const hash = sha256Hex(document);
      const op = operations.get(hash) ?? { name, document, hash };
      operations.set(hash, op);
      let set = perClient.get(clientId);
      if (!set) perClient.set(clientId, (set = new Set()));
      set.add(hash);
      return op;
    },
    get size() {
      return operations.size;
    },
  };
  for (const [clientId, client] of Object.entries(manifest.clients)) {
    if (client.rateLimit) limits.set(clientId, client.rateLimit);
    for (const op of client.operations) {
      const registered = list.register(clientId, op.document, op.name);
      if (op.sha256 && op.sha256 !== registered.hash) {
        throw new Error(
          `persisted operation ${op.name} of ${clientId}: sha256 ${op.sha256} does not match its document (${registered.hash})`,
        );
      }
    }
  }
  return list;
}

/** Read a manifest file; a missing file is an empty allow-list (machine clients can then do nothing). */
export function loadAllowList(path: string | undefined): AllowList {
  if (!path || !existsSync(path)) return createAllowList();
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return createAllowList(parsed.data);
}
