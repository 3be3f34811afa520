/**
 * `npm run seed -- --scale city|province [--keep]` — replace every subgraph's data with the
 * deterministic synthetic world (docs/architecture.md, "Scale"). Uses DATABASE_URL (COPY) or, when unset, the
 * embedded database in HUB_DATA_DIR (multi-row INSERTs; stop `npm start` first).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '#common/config.js';
import { createLogger } from '#common/logger.js';
import { runSeeds } from '#platform/seed/run.js';
import { registry, subgraphPortEnv } from '../subgraphs/registry.js';
import { loadHubConfig, seedWork, startHub } from './lib/hub.js';
import { ensureGenerated } from './lib/generation.js';

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'city' }, keep: { type: 'boolean', default: false } } });
if (values.scale !== 'city' && values.scale !== 'province') {
  console.error('--scale must be city or province');
  process.exit(2);
}
const scale = values.scale;
const log = createLogger({ level: 'warn' });

try {
  await ensureGenerated(registry);
  // Reuse the hub's start-up for database, migrations and pools, without demo data or serving.
  const hub = await startHub(loadHubConfig({ ...process.env, HUB_SEED: 'never', PORT: '0', ...subgraphPortEnv('0') }), log);
  try {
    const started = performance.now();
    const counts = await runSeeds(seedWork(hub.subgraphs, hub.embedded), { scale, reset: !values.keep, progress: process.stderr.isTTY });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(JSON.stringify({ scale, seconds: Number(seconds), counts }, null, 2));
  } finally {
    await hub.stop();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
