import { writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { createLogger } from '#common/logger.js';
import { benchSupergraph, startBenchSubgraphs } from './subgraphs.js';

/**
 * Child process of `npm run bench:gateway`: the four benchmark subgraphs in one process. Env:
 * HUB_IDENTITY_PUBLIC_KEY (PEM, the hub gateway's key), BENCH_SUPERGRAPH_PATH (written here),
 * BENCH_SUBGRAPH_HOST. Prints one JSON line `{"ready":true,"urls":{…},"supergraphPath":…}`.
 */
const pem = process.env.HUB_IDENTITY_PUBLIC_KEY;
const supergraphPath = process.env.BENCH_SUPERGRAPH_PATH;
if (!pem || !supergraphPath) {
  console.error('bench/federation/serve.ts needs HUB_IDENTITY_PUBLIC_KEY and BENCH_SUPERGRAPH_PATH');
  process.exit(2);
}
const log = createLogger({ level: (process.env.LOG_LEVEL as 'warn') ?? 'warn', base: { service: 'bench-subgraphs' } });
const running = await startBenchSubgraphs({ log, identityKey: createPublicKey(pem), host: process.env.BENCH_SUBGRAPH_HOST });
writeFileSync(supergraphPath, benchSupergraph(running.urls));
process.stdout.write(`${JSON.stringify({ ready: true, urls: running.urls, supergraphPath })}\n`);
const stop = async () => {
  await running.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
