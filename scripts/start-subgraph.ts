/**
 * `npm run start:subgraph -- <name>` — one subgraph alone, as a deployment runs each (the compose
 * file's services). Its database is `<NAME>_DATABASE_URL`, else `DATABASE_URL`; its port
 * `<NAME>_PORT`, else the one it declares. Generates its code first if that is out of date.
 */
import { ensureGenerated } from './lib/generation.js';
import { subgraphNamed, subgraphNames } from '../subgraphs/registry.js';
import { runSubgraphOrExit } from '#platform/main.js';

const name = process.argv[2];
if (!name) {
  console.error(`usage: npm run start:subgraph -- <name>   (one of ${subgraphNames.join(', ')})`);
  process.exit(2);
}
let def;
try {
  def = subgraphNamed(name);
  await ensureGenerated([def]);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
runSubgraphOrExit(def);
