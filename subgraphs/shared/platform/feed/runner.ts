import type { BulkMethod } from '../db/bulk.js';
import type { FeedRunner } from './http.js';
import { FeedFailure } from './failure.js';
import { createPeerLookup } from './peers.js';
import { runFeed } from './run.js';
import type pg from 'pg';

export interface PlatformFeedRunnerOptions {
  pool: pg.Pool;
  schema: string;
  method: BulkMethod;
  /** The other subgraphs' GraphQL URLs, for the runs' reference look-ups (read when a run starts). */
  peerUrls: () => ReadonlyMap<string, string>;
  settings?: Record<string, unknown>;
}

/**
 * The runner behind a subgraph's `POST /feeds/<kind>` (feed/http.ts): the platform's runFeed on the
 * subgraph's own pool, looking peers up under the identities the gateway signed for them (a subgraph
 * holds no signing key of its own).
 */
export function platformFeedRunner(opts: PlatformFeedRunnerOptions): FeedRunner {
  return (args) =>
    runFeed({
      subgraph: args.subgraph,
      kind: args.kind,
      pool: opts.pool,
      schema: opts.schema,
      method: opts.method,
      client: args.client,
      settings: opts.settings,
      maxBytes: args.maxBytes,
      source: { name: args.sourceName, stream: args.stream, format: args.format },
      peers: createPeerLookup({
        urls: opts.peerUrls(),
        identityFor: async (subgraph) => {
          const header = args.peerIdentities[subgraph];
          if (!header) throw new FeedFailure('PEER_IDENTITY', `the gateway sent no identity for subgraph ${subgraph}`);
          return header;
        },
      }),
    });
}
