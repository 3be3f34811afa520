import { parse } from 'graphql';
import type { RequestContext, SubgraphDefinition } from '#platform/subgraph.js';
import { createGate, type Gate } from './gate.js';

/**
 * A test-only subgraph that refers to directory entities by key, the way every later domain
 * subgraph will: querying through it makes the gateway resolve `Hospital` via `_entities`.
 * It also reports what it received (request id, identity), fails on demand, and holds answers
 * until the test lets them go (`held`, `tally`: see `probeHold`).
 */
export const probeSdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query {
  watchlist(codes: [ID!]!): [Hospital]!
  echo: Echo!
  "Answers 'released' once the test opens probeHold.gate."
  held: String
  boom: String
}
type Mutation {
  "How many times it has run (this one included); answers once the test opens probeHold.gate."
  tally: Int!
}
type Echo { requestId: String! subject: String }
type Hospital @key(fields: "code", resolvable: false) { code: ID! }
`;

/**
 * The probe's hold, per test file (each file runs in its own process): `held` and `tally` wait on
 * `gate`, and `started` / `answered` count their executions, so a test sees what reached the
 * subgraph and what is still running — instead of timing it.
 */
export const probeHold: {
  gate: Gate;
  started: { held: number; tally: number };
  answered: { held: number; tally: number };
  /** A closed gate and zero counts, for the next case; opens the previous gate so nothing stays held. */
  reset(): void;
} = {
  gate: createGate(),
  started: { held: 0, tally: 0 },
  answered: { held: 0, tally: 0 },
  reset() {
    this.gate.open();
    this.gate = createGate();
    this.started = { held: 0, tally: 0 };
    this.answered = { held: 0, tally: 0 };
  },
};

/** Runs `field` once the current gate opens, counting it in `probeHold`. */
async function heldUntilOpen<T>(field: 'held' | 'tally', answer: () => T): Promise<T> {
  const { gate, started, answered } = probeHold;
  started[field]++;
  const value = answer();
  await gate.opened;
  answered[field]++;
  return value;
}

export const probe: SubgraphDefinition<unknown, RequestContext> = {
  name: 'probe',
  port: 0,
  access: 'open',
  typeDefs: parse(probeSdl),
  resolvers: {
    Query: {
      watchlist: (_: unknown, { codes }: { codes: string[] }) => codes.map((code) => ({ __typename: 'Hospital', code })),
      echo: (_: unknown, __: unknown, ctx: RequestContext) => ({ requestId: ctx.requestId, subject: ctx.identity.subject }),
      held: () => heldUntilOpen('held', () => 'released'),
      boom: () => {
        throw new Error('secret detail: connection to 10.1.2.3 refused');
      },
    },
    Mutation: {
      tally: () => heldUntilOpen('tally', () => probeHold.started.tally),
    },
  },
  createContext: (base) => base,
};
