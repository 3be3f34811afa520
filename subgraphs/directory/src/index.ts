import { runSubgraphOrExit } from '../../shared/src/main.js';
import { directory } from './subgraph.js';

runSubgraphOrExit(directory);
