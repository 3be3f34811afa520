import cluster from 'node:cluster';
import { listen } from '#common/http.js';
import { createLogger } from '#common/logger.js';
import { ConfigError } from '#common/config.js';
import { loadGatewayConfig, type GatewayConfig } from './config.js';
import { createGateway } from './server.js';
import { serveCollapseRegistry } from './cluster-collapse.js';

/**
 * Stand-alone gateway: read config → build → listen → stop cleanly on SIGTERM / SIGINT. With
 * GATEWAY_WORKERS > 1 this process only supervises: that many workers share the port (node:cluster),
 * each a complete gateway (own plan cache, token cache, audit writer — the audit chain is safe
 * across writers), collapsing identical queries with each other through this process
 * (cluster-collapse.ts); a worker that dies is replaced, and a signal stops them all.
 */
async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const log = createLogger({
    level: config.LOG_LEVEL,
    base: { service: 'gateway', ...(cluster.isWorker ? { worker: cluster.worker!.id } : {}) },
  });
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) return supervise(config, log);
  const gateway = await createGateway(config, log);
  const running = await listen(gateway.server, config.PORT, config.HOST);
  log.info('gateway listening', { url: running.url, subgraphs: Object.fromEntries(gateway.subgraphs) });
  const stop = async (signal: string) => {
    log.info('shutting down', { signal });
    await running.close(config.SHUTDOWN_GRACE_MS);
    await gateway.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** A worker that dies is replaced, but not endlessly (a port in use, a bad supergraph…). */
const MAX_RESTARTS_PER_MINUTE = 5;

function supervise(config: GatewayConfig, log: ReturnType<typeof createLogger>): void {
  let stopping = false;
  let restarts: number[] = [];
  // Structured clone over IPC: collapsed answers travel between workers as bytes, audit entries with their dates.
  cluster.setupPrimary({ serialization: 'advanced' });
  serveCollapseRegistry(log);
  for (let i = 0; i < config.GATEWAY_WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    const now = Date.now();
    restarts = restarts.filter((t) => now - t < 60_000).concat(now);
    if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
      log.error('gateway workers keep dying: giving up', { worker: worker.id, code, signal, restarts: restarts.length });
      stop('SIGTERM');
      process.exitCode = 1;
      return;
    }
    log.error('gateway worker died, starting another', { worker: worker.id, code, signal });
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    log.info('shutting down workers', { signal, workers: config.GATEWAY_WORKERS });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
