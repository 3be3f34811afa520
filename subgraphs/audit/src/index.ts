import { runSubgraphOrExit } from '#platform/main.js';
import { audit } from './subgraph.js';

runSubgraphOrExit(audit);
