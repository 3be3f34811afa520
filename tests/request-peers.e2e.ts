import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';
import { startStack, type Stack } from './helpers/stack.js';
import { loadDirectory } from './helpers/fixtures.js';

/**
 * Peer look-ups in a request (subgraphs/shared/platform/request-peers.ts): through the real gateway, a
 * subgraph's mutation looks a directory hospital up by `_entities` under the caller's own identity —
 * so the caller's row scope holds there too —, and a query cannot (the gateway signs peer identities
 * for mutations only).
 */
const lookUp = async (code: string, ctx: RequestContext) => {
  const [hospital] = await ctx.peers.entities('directory', 'Hospital', [{ code }], 'code region { code }');
  return hospital ? (hospital['region'] as { code: string }).code : null;
};
const peerProbe: SubgraphDefinition<unknown, RequestContext> = {
  name: 'peerprobe',
  port: 0,
  access: 'open',
  typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { regionOfHospitalRead(code: ID!): ID }
type Mutation { regionOfHospital(code: ID!): ID }`),
  resolvers: {
    Query: { regionOfHospitalRead: (_: unknown, { code }: { code: string }, ctx: RequestContext) => lookUp(code, ctx) },
    Mutation: { regionOfHospital: (_: unknown, { code }: { code: string }, ctx: RequestContext) => lookUp(code, ctx) },
  },
  createContext: (base) => base,
};

let stack: Stack;
let hospitals: { code: string; regionCode: string }[];

beforeAll(async () => {
  stack = await startStack({ subgraphs: ['directory', 'audit'], extra: [peerProbe] });
  ({ hospitals } = await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 4 }));
  stack.idp.addAccount({ username: 'officer', password: 'x', roles: ['hospital-officer'], hospitalCode: hospitals[0]!.code });
});
afterAll(() => stack?.stop());

const MUTATION = 'mutation M($code: ID!) { regionOfHospital(code: $code) }';

describe('peer look-ups in a mutation', () => {
  it('finds a directory entity under the caller’s identity', async () => {
    const res = await stack.as('province-supervisor')<{ regionOfHospital: string | null }>(MUTATION, { code: hospitals[1]!.code });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.regionOfHospital).toBe(hospitals[1]!.regionCode);
  });

  it('keeps the caller’s row scope in the peer: a hospital officer finds only their own hospital', async () => {
    const officer = stack.as('officer');
    const own = await officer<{ regionOfHospital: string | null }>(MUTATION, { code: hospitals[0]!.code });
    expect(own.body.data?.regionOfHospital).toBe(hospitals[0]!.regionCode);
    const other = await officer<{ regionOfHospital: string | null }>(MUTATION, { code: hospitals[2]!.code });
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data?.regionOfHospital).toBeNull();
  });

  it('is not available to a query: the gateway signs no peer identity for one', async () => {
    const res = await stack.as('province-supervisor')('query Q($code: ID!) { regionOfHospitalRead(code: $code) }', {
      code: hospitals[1]!.code,
    });
    expect(res.body.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(res.body.data?.['regionOfHospitalRead'] ?? null).toBeNull();
  });
});
