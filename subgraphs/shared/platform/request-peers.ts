/**
 * Peer look-ups during a GraphQL request: a write that names another subgraph's entities (a policy's
 * receiving staff, a visit's representative company) checks them in that subgraph through `_entities`,
 * never its tables — the feed platform's PeerLookup (feed/peers.ts), under the identity the gateway
 * signed for each peer with the caller's own identity and row scope (gateway/src/datasource.ts). The
 * gateway signs those only for mutations: a query resolves references through the query plan instead.
 */
import { createPeerLookup } from './feed/peers.js';
import type { PeerLookup } from './feed/types.js';

export class PeerLookupUnavailable extends Error {
  constructor(subgraph: string) {
    super(`no identity for subgraph ${subgraph} in this request: the gateway signs peer identities for mutations only`);
  }
}

/** The request's peers: built on first use, from the peer identities the request carried. */
export function requestPeers(identities: Readonly<Record<string, string>>, urls: () => ReadonlyMap<string, string>): PeerLookup {
  let lookup: PeerLookup | undefined;
  return {
    entities: (subgraph, typename, keys, selection) => {
      lookup ??= createPeerLookup({
        urls: urls(),
        identityFor: async (peer) => {
          const header = identities[peer];
          if (!header) throw new PeerLookupUnavailable(peer);
          return header;
        },
      });
      return lookup.entities(subgraph, typename, keys, selection);
    },
  };
}

/** No peers: a context built outside an HTTP request (unit tests, scripts). */
export const noPeers: PeerLookup = {
  entities: (subgraph) => Promise.reject(new PeerLookupUnavailable(subgraph)),
};
