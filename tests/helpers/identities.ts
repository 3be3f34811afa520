import { generateKeyPairSync } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { RequestContext } from '#platform/subgraph.js';
import { createIdentitySigner } from '#common/identity-signature.js';
import { IDENTITY_HEADER, identityFromClaims, type HubRole, type Identity } from '#common/identity.js';
import { noPeers } from '#platform/request-peers.js';
import { RequestAccess } from '#platform/access/request-access.js';
import { createLogger } from '#common/logger.js';

/**
 * An identity as the gateway would build it from a token's claims — for tests that call a
 * subgraph's ApolloServer in process. Goes through identityFromClaims so it is never a shape the
 * gateway could not produce.
 */
export function identityOf(
  roles: HubRole[],
  scope: { regionCode?: string; hospitalCode?: string } = {},
  sub = `test-${roles.join('+')}`,
): Identity {
  const result = identityFromClaims(
    { sub, azp: 'test', realm_access: { roles }, region_code: scope.regionCode, hospital_code: scope.hospitalCode },
    'integrity-hub',
  );
  if ('reason' in result) throw new Error(`not a valid identity: ${result.reason}`);
  return result.identity;
}

/** The request-context fields the platform adds for a caller (identity + access state). */
export const callerContext = (identity: Identity, reason: string | null = null) => ({
  identity,
  access: new RequestAccess(identity, reason),
  peers: noPeers,
});

/** A gateway key pair for tests that start subgraphs themselves (pass `identityKey: testKeys.publicKey`). */
export const testKeys = generateKeyPairSync('ed25519');
const signer = createIdentitySigner(testKeys.privateKey);

/** Headers of a request the gateway (holding testKeys) would send to `subgraph` for `identity`. */
export const vouchedHeaders = async (subgraph: string, identity: Identity, reason: string | null = null) => ({
  [IDENTITY_HEADER]: await signer.sign(identity, reason, subgraph),
});

/**
 * Run an operation on a subgraph's ApolloServer in process, as `identity`, with the context the
 * platform would build for it (unit tests of a subgraph's resolvers, rules and data access).
 */
export function operationRunner<TDb, TContext extends RequestContext>(
  apollo: Pick<ApolloServer<TContext>, 'executeOperation'>,
  def: { createContext: (base: RequestContext, db: TDb) => TContext },
  db: () => TDb,
  identity: Identity,
) {
  const log = createLogger({ level: 'silent' });
  return async <T>(query: string, variables?: Record<string, unknown>) => {
    const res = await apollo.executeOperation(
      { query, variables },
      { contextValue: def.createContext({ requestId: 'test', log, ...callerContext(identity) }, db()) },
    );
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    return res.body.singleResult as { data?: T | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };
  };
}
