import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/server.js';
import { compose } from '../../scripts/lib/supergraph.js';
import { listen } from '#common/http.js';
import { createLogger, type LogLevel } from '#common/logger.js';
import { startSubgraph, type RequestContext, type SubgraphDefinition } from '#platform/subgraph.js';
import { products } from './products/subgraph.js';
import { inventoryReference } from './reference/inventory.js';
import { usersReference } from './reference/users.js';

export interface CompatStack {
  /** The hub gateway's GraphQL endpoint: the suite's "router". */
  routerUrl: string;
  subgraphUrls: { products: string; inventory: string; users: string };
  supergraphPath: string;
  stop(): Promise<void>;
}

interface Running {
  url: string;
  close(): Promise<void>;
}

/**
 * Start the compatibility stack in-process, every server on 127.0.0.1 and port 0: the products
 * subgraph (ours, on the hub platform), the suite's inventory and users reference subgraphs (ported
 * onto the platform), and the hub gateway serving the supergraph composed from the three with the
 * project's compose().
 */
export async function startCompatStack(opts: { logLevel?: LogLevel } = {}): Promise<CompatStack> {
  const logLevel = opts.logLevel ?? 'error';
  const log = createLogger({ level: logLevel });
  const started: Running[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hub-compat-'));
  // The gateway's identity key for this stack only (the suite's direct calls carry none: acceptUnsigned).
  const keys = generateKeyPairSync('ed25519');
  let stopGateway: (() => Promise<void>) | undefined;

  const stop = async () => {
    if (stopGateway) await stopGateway();
    for (const running of started.reverse()) await running.close();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // products answers ftv1 trace requests, as the suite's ftv1 test expects.
    for (const def of [products, inventoryReference, usersReference]) {
      // The suite also calls subgraphs directly, without the gateway's identity: allowed here only.
      const running = await startSubgraph(def, {
        port: 0,
        host: '127.0.0.1',
        log,
        development: true,
        inlineTrace: def === products,
        acceptUnsigned: true,
        identityKey: keys.publicKey,
      });
      started.push({ url: running.url, close: () => running.close() });
    }
    const [productsServer, inventory, users] = started as [Running, Running, Running];
    const subgraphUrls = { products: productsServer.url, inventory: inventory.url, users: users.url };

    const composed = compose(
      ([products, inventoryReference, usersReference] as SubgraphDefinition<unknown, RequestContext>[]).map((def) => ({
        name: def.name,
        url: subgraphUrls[def.name as keyof typeof subgraphUrls],
        sdl: print(def.typeDefs),
      })),
    );
    if (!composed.ok) throw new Error(`Composition failed:\n  ${composed.errors.join('\n  ')}`);
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);

    // The gateway as configured by default (query limits included); only the supergraph, the
    // environment, the log level and authentication are set here.
    // Authentication off (AUTH_MODE=off, refused in production): the suite sends no tokens.
    const config = loadGatewayConfig({ SUPERGRAPH_PATH: supergraphPath, NODE_ENV: 'test', LOG_LEVEL: logLevel, AUTH_MODE: 'off' });
    const gateway = await createGateway(config, log, { signingKey: keys.privateKey });
    const running = await listen(gateway.server, 0);
    stopGateway = async () => {
      await running.close(1_000);
      await gateway.stop();
    };
    return { routerUrl: running.url, subgraphUrls, supergraphPath, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
