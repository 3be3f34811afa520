import { runSubgraphOrExit } from '../../shared/src/main.js';
import { audit } from './subgraph.js';

runSubgraphOrExit(audit);
