import { describe, expect, it } from 'vitest';
import { ConfigError } from '#common/config.js';
import { loadGatewayConfig } from './config.js';

const production = {
  NODE_ENV: 'production',
  KEYCLOAK_URL: 'https://sso.example.gov.cn',
  AUDIT_WRITER_DATABASE_URL: 'postgres://audit_writer@db/hub',
};

describe('gateway configuration', () => {
  it('serves any supergraph from a path, with authentication off only when asked, outside production', () => {
    const config = loadGatewayConfig({ SUPERGRAPH_PATH: '/tmp/other/supergraph.graphql', AUTH_MODE: 'off', NODE_ENV: 'development' });
    expect(config.SUPERGRAPH_PATH).toBe('/tmp/other/supergraph.graphql');
    expect(config.AUTH_MODE).toBe('off');
    expect(loadGatewayConfig({}).AUTH_MODE).toBe('keycloak');
  });

  it('refuses AUTH_MODE=off in production', () => {
    expect(() => loadGatewayConfig({ ...production, AUTH_MODE: 'off' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ...production, AUTH_MODE: 'off' })).toThrow(/AUTH_MODE=off is refused in production/);
    expect(loadGatewayConfig(production).AUTH_MODE).toBe('keycloak');
  });

  it('shares in-flight work by default and takes explicit switches and worker counts', () => {
    const defaults = loadGatewayConfig({});
    expect([defaults.COLLAPSE_OPERATIONS, defaults.SUBGRAPH_DEDUP, defaults.GATEWAY_WORKERS]).toEqual(['on', 'on', 1]);
    const set = loadGatewayConfig({ COLLAPSE_OPERATIONS: 'off', SUBGRAPH_DEDUP: 'off', GATEWAY_WORKERS: '2' });
    expect([set.COLLAPSE_OPERATIONS, set.SUBGRAPH_DEDUP, set.GATEWAY_WORKERS]).toEqual(['off', 'off', 2]);
    expect(() => loadGatewayConfig({ COLLAPSE_OPERATIONS: 'maybe' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ GATEWAY_WORKERS: '0' })).toThrow(ConfigError);
  });

  it('limits feed bodies to 512 MiB and 30 runs a minute unless told', () => {
    const defaults = loadGatewayConfig({});
    expect([defaults.FEED_MAX_BYTES, defaults.FEED_RATE_PER_MINUTE]).toEqual([512 * 1024 * 1024, 30]);
    const set = loadGatewayConfig({ FEED_MAX_BYTES: '8388608', FEED_RATE_PER_MINUTE: '0' });
    expect([set.FEED_MAX_BYTES, set.FEED_RATE_PER_MINUTE]).toEqual([8 * 1024 * 1024, 0]);
    expect(() => loadGatewayConfig({ FEED_MAX_BYTES: '0' })).toThrow(ConfigError);
  });

  it('bounds JSON nesting at 64 levels unless told, and never beyond what the stack can walk', () => {
    expect(loadGatewayConfig({}).MAX_JSON_DEPTH).toBe(64);
    expect(loadGatewayConfig({ MAX_JSON_DEPTH: '100' }).MAX_JSON_DEPTH).toBe(100);
    expect(() => loadGatewayConfig({ MAX_JSON_DEPTH: '5000' })).toThrow(/MAX_JSON_DEPTH/);
    expect(() => loadGatewayConfig({ MAX_JSON_DEPTH: '1' })).toThrow(/MAX_JSON_DEPTH/);
  });
});
