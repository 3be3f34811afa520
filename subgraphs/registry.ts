import type { AnySubgraph } from '#platform/subgraph.js';
import { audit } from './audit/src/subgraph.js';
import { directory } from './directory/src/subgraph.js';
import type { SubgraphName } from './names.js';

/**
 * Every subgraph the hub runs, in start order. Adding a domain = a folder under subgraphs/,
 * its name in names.ts, and one line here (README, "Adding a subgraph").
 */
export const registry: Record<SubgraphName, AnySubgraph> = { directory, audit };
