import { runSubgraphOrExit } from '#platform/main.js';
import { directory } from './subgraph.js';

runSubgraphOrExit(directory);
