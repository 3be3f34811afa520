// A test double of the directory for the feeds' `prepare`: entities by key from in-memory tables, with the
// calls recorded (to prove one call per typename per batch). The lead's e2e tests use the real directory.
import pg from 'pg';
import type { FeedRunContext, PeerLookup } from '#platform/feed/types.js';

export type Tables = Record<string, Record<string, Record<string, unknown>>>;

export class MemoryDirectory implements PeerLookup {
  readonly calls: { subgraph: string; typename: string; keys: Record<string, unknown>[]; selection: string }[] = [];
  constructor(private readonly tables: Tables) {}

  entities(subgraph: string, typename: string, keys: Record<string, unknown>[], selection: string) {
    this.calls.push({ subgraph, typename, keys, selection });
    const table = this.tables[typename] ?? {};
    return Promise.resolve(keys.map((key) => table[String(Object.values(key)[0])] ?? null));
  }
}

/** A run context; `pool` defaults to one that is never connected (the CSV kinds do not read the database). */
export function runContext(peers: PeerLookup, opts: { pool?: pg.Pool; settings?: Record<string, unknown> } = {}): FeedRunContext {
  return {
    runId: 'test-run',
    pool: opts.pool ?? new pg.Pool({ max: 1 }),
    schema: 'procurement',
    method: 'copy',
    client: 'cli:test',
    peers,
    settings: opts.settings ?? {},
  };
}
