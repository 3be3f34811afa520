import type { AnyHubSubgraph } from '#platform/define.js';
import { audit } from './audit/src/subgraph.js';
import { directory } from './directory/src/subgraph.js';
import { procurement } from './procurement/src/subgraph.js';

/**
 * Every subgraph of the hub, in start (and seed) order: later seeds read the facts of earlier
 * ones. This list is the one place a subgraph is named; the supergraph, the generated code, the
 * compose file, `npm start`, the access tests and the Hive conformance tests all follow it.
 * `npm run new:subgraph -- <name>` adds its line.
 */
const subgraphs = [directory, procurement, audit] as const;

export type SubgraphName = (typeof subgraphs)[number]['name'];
export const registry: readonly AnyHubSubgraph[] = subgraphs;
export const subgraphNames = subgraphs.map((s) => s.name) as readonly SubgraphName[];

/** The subgraph of that name; an unknown name is an error that lists the known ones. */
export function subgraphNamed(name: string): AnyHubSubgraph {
  const found = registry.find((s) => s.name === name);
  if (!found) throw new Error(`No subgraph named ${JSON.stringify(name)}; the hub has ${subgraphNames.join(', ')}`);
  return found;
}

/** `<NAME>_PORT` for every subgraph set to `port` (e.g. '0': any free port, for tests and tools). */
export const subgraphPortEnv = (port: string): Record<string, string> =>
  Object.fromEntries(registry.map(({ name }) => [`${name.toUpperCase()}_PORT`, port]));
