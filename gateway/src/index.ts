import { listen } from '../../subgraphs/shared/src/http.js';
import { createLogger } from '../../subgraphs/shared/src/logger.js';
import { ConfigError } from '../../subgraphs/shared/src/config.js';
import { loadGatewayConfig } from './config.js';
import { createGateway } from './server.js';

/** Stand-alone gateway: read config → build → listen → stop cleanly on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const log = createLogger({ level: config.LOG_LEVEL, base: { service: 'gateway' } });
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

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
