import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#common/config.js';
import { subgraphNamed } from '../../registry.js';
import { loadSubgraphConfig } from './main.js';

const directory = subgraphNamed('directory');
const { publicKey } = generateKeyPairSync('ed25519');
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('a subgraph running alone: its configuration', () => {
  it("comes from the environment it is given: URL, port, pool and the gateway's public key", () => {
    const config = loadSubgraphConfig(directory, {
      DATABASE_URL: 'postgresql://db/hub',
      DIRECTORY_PORT: '4201',
      DB_POOL_SIZE: '3',
      NODE_ENV: 'production',
      HUB_IDENTITY_PUBLIC_KEY: pem,
      LOG_LEVEL: 'error',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://db/hub',
      port: 4201,
      poolSize: 3,
      development: false,
      logLevel: 'error',
      host: '127.0.0.1',
    });
    expect(config.identityKey.equals(publicKey)).toBe(true);
    expect(
      loadSubgraphConfig(directory, {
        DATABASE_URL: 'postgresql://db/hub',
        DIRECTORY_DATABASE_URL: 'postgresql://own/hub',
        HUB_IDENTITY_PUBLIC_KEY: pem,
      }),
    ).toMatchObject({ databaseUrl: 'postgresql://own/hub', port: directory.port });
  });

  it("refuses to start without a database, or in production without the gateway's key", () => {
    expect(() => loadSubgraphConfig(directory, { HUB_IDENTITY_PUBLIC_KEY: pem })).toThrow(ConfigError);
    expect(() => loadSubgraphConfig(directory, { DATABASE_URL: 'postgresql://db/hub', NODE_ENV: 'production' })).toThrow(
      /HUB_IDENTITY_PUBLIC_KEY is required in production/,
    );
  });
});
