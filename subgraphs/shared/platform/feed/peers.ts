import { IDENTITY_HEADER, type Identity } from '#common/identity.js';
import type { IdentitySigner } from '#common/identity-signature.js';
import { FeedFailure } from './failure.js';
import type { PeerLookup } from './types.js';

/** Representations per `_entities` call: the gateway's own batches are of this order too. */
export const PEER_BATCH = 500;

export interface PeerLookupOptions {
  /** Subgraph name → its GraphQL URL. */
  urls: ReadonlyMap<string, string>;
  /**
   * The `x-hub-identity` header for a subgraph: signed here for the feed's caller with the gateway's key
   * (`npm run feed`, in process), or the one the gateway signed for that peer (`POST /feeds`, feed/http.ts).
   */
  identityFor: ((subgraph: string) => Promise<string>) | { signer: IdentitySigner; identity: Identity };
  /** The HTTP client (tests may count calls); the global fetch by default. */
  fetch?: typeof fetch;
}

/**
 * Entities of other subgraphs by key, through their `_entities` field like the gateway's query plans
 * (never their tables), under the feed caller's signed identity, so row scopes apply: an entity out
 * of the caller's scope comes back null like a missing one. Keys go in batches of PEER_BATCH; each
 * answer is cached for the lookup's life (one run). A transport or GraphQL error throws: the run
 * fails rather than rejecting every record for a fault that is not theirs.
 */
export function createPeerLookup(opts: PeerLookupOptions): PeerLookup {
  const cache = new Map<string, Record<string, unknown> | null>();
  const doFetch = opts.fetch ?? fetch;
  const { identityFor } = opts;
  const headerFor =
    typeof identityFor === 'function' ? identityFor : (subgraph: string) => identityFor.signer.sign(identityFor.identity, null, subgraph);
  return {
    async entities(subgraph, typename, keys, selection) {
      const url = opts.urls.get(subgraph);
      if (!url) throw new FeedFailure('PEER_UNKNOWN', `no URL for subgraph ${subgraph} (known: ${[...opts.urls.keys()].join(', ')})`);
      const prefix = `${subgraph}\u0000${typename}\u0000${selection}\u0000`;
      const ids = keys.map((k) => prefix + keyText(k));
      const wanted = new Map<string, Record<string, unknown>>();
      ids.forEach((id, i) => {
        if (!cache.has(id) && !wanted.has(id)) wanted.set(id, keys[i]!);
      });
      const missing = [...wanted.keys()];
      for (let i = 0; i < missing.length; i += PEER_BATCH) {
        const batch = missing.slice(i, i + PEER_BATCH);
        const representations = batch.map((id) => ({ __typename: typename, ...wanted.get(id)! }));
        const header = await headerFor(subgraph);
        const found = await fetchEntities(doFetch, url, header, typename, representations, selection, subgraph);
        batch.forEach((id, j) => cache.set(id, found[j] ?? null));
      }
      return ids.map((id) => cache.get(id) ?? null);
    },
  };
}

/** A key as cache text: `field=value` for the usual one string field, its JSON otherwise. */
function keyText(key: Record<string, unknown>): string {
  const fields = Object.keys(key);
  const only = fields.length === 1 ? key[fields[0]!] : undefined;
  return typeof only === 'string' ? `${fields[0]}=${only}` : JSON.stringify(key);
}

async function fetchEntities(
  doFetch: typeof fetch,
  url: string,
  identityHeader: string,
  typename: string,
  representations: Record<string, unknown>[],
  selection: string,
  subgraph: string,
): Promise<(Record<string, unknown> | null)[]> {
  const query = `query($r:[_Any!]!){_entities(representations:$r){... on ${typename} { ${selection} }}}`;
  const fail = (why: string) => new FeedFailure('PEER_LOOKUP', `looking up ${typename} in ${subgraph}: ${why}`);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identityHeader },
      body: JSON.stringify({ query, variables: { r: representations } }),
    });
  } catch (err) {
    throw fail(err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
  }
  const text = await response.text();
  let body: { data?: { _entities?: unknown[] } | null; errors?: { message: string }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw fail(`HTTP ${response.status}, not a GraphQL answer: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw fail(body.errors.map((e) => e.message).join('; '));
  const entities = body.data?._entities;
  if (!response.ok || !Array.isArray(entities) || entities.length !== representations.length)
    throw fail(`HTTP ${response.status}, an answer without ${representations.length} entities`);
  // `{}`: the entity resolved to null under an inline fragment of another type — treat as missing
  return entities.map((e) => (e && typeof e === 'object' && Object.keys(e).length > 0 ? (e as Record<string, unknown>) : null));
}
