/**
 * `npm run db:migrate` — deployment step (docker-compose's `db-provision`): with the admin
 * DATABASE_URL, create each subgraph's role and schema and apply its migrations as that role.
 */
import { ConfigError } from '#common/config.js';
import { createLogger } from '#common/logger.js';
import { loadDatabaseSettings, prepareDatabases } from './lib/hub.js';

const source = process.env;
const adminUrl = source.DATABASE_URL;
if (!adminUrl) {
  console.error('Set DATABASE_URL to an administrator URL of the PostgreSQL database to prepare.');
  process.exit(2);
}
try {
  const urls = await prepareDatabases(
    adminUrl,
    false,
    loadDatabaseSettings(source),
    createLogger({ level: 'info', base: { service: 'migrate' } }),
  );
  console.log(`ready: ${[...urls.keys()].join(', ')}`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
