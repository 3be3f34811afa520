import { subgraphPortEnv } from '../../subgraphs/registry.js';

/**
 * The environment of `npm start`'s program run as a child on the embedded default: `base` without a
 * database or realm (so the embedded PostgreSQL and the development identity provider start), every
 * port free, the data in `dataDir`, logs at info (the tests and the benchmark read the banner).
 */
export function embeddedHubEnv(dataDir: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, KEYCLOAK_URL: _realm, ...rest } = base;
  return {
    ...rest,
    HUB_DATA_DIR: dataDir,
    PORT: '0',
    ...subgraphPortEnv('0'),
    EMBEDDED_PG_PORT: '0',
    DEV_IDP_PORT: '0',
    LOG_LEVEL: 'info',
  };
}
