import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#common/config.js';
import { createLogger } from '#common/logger.js';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { withClient } from '#prisma-engine/pg-admin.mjs';
import { loadHubConfig, prepareDatabases } from './hub.js';

describe('the hub configuration (read once, from the environment it is given)', () => {
  it("has every subgraph's port, own URL and role password, and the audit writer's password", () => {
    const config = loadHubConfig({
      DIRECTORY_PORT: '4101',
      DIRECTORY_DB_PASSWORD: 'dir-secret',
      AUDIT_DATABASE_URL: 'postgresql://audit_svc@db/hub?schema=audit',
      AUDIT_WRITER_DB_PASSWORD: 'writer-secret',
      LOG_LEVEL: 'warn',
    });
    expect(config.subgraphs.directory).toEqual({ port: 4101, databaseUrl: undefined, dbPassword: 'dir-secret' });
    expect(config.subgraphs.audit).toEqual({
      port: 4009,
      databaseUrl: 'postgresql://audit_svc@db/hub?schema=audit',
      dbPassword: undefined,
    });
    expect(config.auditWriterPassword).toBe('writer-secret');
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.HUB_STARTED_AT).toBeUndefined();
  });

  it('refuses a bad value naming the variable', () => {
    expect(() => loadHubConfig({ DIRECTORY_PORT: 'x' })).toThrow(ConfigError);
    expect(() => loadHubConfig({ DIRECTORY_PORT: 'x' })).toThrow(/DIRECTORY_PORT/);
  });

  it('gives the gateway the same environment as it was then, plus what the running hub knows', () => {
    const source: Record<string, string | undefined> = { MAX_DEPTH: '7', PORT: '4100' };
    const config = loadHubConfig(source);
    source.MAX_DEPTH = '3'; // read once: later changes are not seen
    const gateway = config.gateway({ SUBGRAPH_URL_DIRECTORY: 'http://127.0.0.1:4101/graphql' });
    expect(gateway.MAX_DEPTH).toBe(7);
    expect(gateway.PORT).toBe(4100);
    expect(gateway.subgraphUrls).toEqual({ directory: 'http://127.0.0.1:4101/graphql' });
  });
});

describe('prepareDatabases with <NAME>_DB_PASSWORD and AUDIT_WRITER_DB_PASSWORD', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ subgraphs: [] });
  });
  afterAll(async () => {
    // Roles are cluster-wide: leave them as the other tests expect (no password; CI trusts loopback).
    if (db) await withClient(db.adminUrl, (c) => c.query('ALTER ROLE directory_svc PASSWORD NULL; ALTER ROLE audit_writer PASSWORD NULL'));
    await db?.drop();
  });

  it('sets the passwords on the roles it provisions and puts them in the URLs it returns', async () => {
    const config = loadHubConfig({ DIRECTORY_DB_PASSWORD: 'dir-secret', AUDIT_WRITER_DB_PASSWORD: 'writer-secret' });
    const urls = await prepareDatabases(db.adminUrl, false, config, createLogger({ level: 'silent' }));
    expect(new URL(urls.get('directory')!).password).toBe('dir-secret');
    expect(new URL(urls.get('audit')!).password).toBe('');
    const { rows } = await withClient(db.adminUrl, (c) =>
      c.query<{ rolname: string; has: boolean }>(
        "SELECT rolname, rolpassword IS NOT NULL AS has FROM pg_authid WHERE rolname IN ('directory_svc', 'audit_writer') ORDER BY rolname",
      ),
    );
    expect(rows).toEqual([
      { rolname: 'audit_writer', has: true },
      { rolname: 'directory_svc', has: true },
    ]);
  });
});
