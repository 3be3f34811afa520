import { subgraphPortEnv } from '../subgraphs/registry.js';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '#prisma-engine/pg-admin.mjs';
import { createTestDatabase } from '#platform/db/test-database.js';
import { createLogger } from '#common/logger.js';
import { loadHubConfig, startHub, type RunningHub } from '../scripts/lib/hub.js';
import { gql } from './helpers/graphql.js';

/** `npm start` with DATABASE_URL: provision a role and schema per subgraph, migrate, seed with COPY, serve. */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: [] }); // an empty database: the hub does the rest
});
afterAll(() => database?.drop());

const env = () => ({ DATABASE_URL: database.adminUrl, PORT: '0', ...subgraphPortEnv('0'), DEV_IDP_PORT: '0', NODE_ENV: 'test' });
const asSupervisor = async (hub: RunningHub) => ({ authorization: `Bearer ${await hub.idp!.tokenFor('supervisor')}` });
const log = createLogger({ level: 'silent' });

describe('npm start against a given PostgreSQL', () => {
  it('provisions, migrates, loads the demo city once, and connects each subgraph as its own role', async () => {
    const hub = await startHub(loadHubConfig(env()), log);
    try {
      expect(hub.embedded).toBe(false);
      expect(hub.seeded.directory).toMatchObject({ hospitals: 60, staff: 30_000, suppliers: 500, products: 5_000 });
      const res = await gql<{ hospitals: { totalCount: number } }>(
        hub.gatewayUrl,
        '{ hospitals(filter: { regionCode: "330500" }) { totalCount } }',
        undefined,
        await asSupervisor(hub),
      );
      expect(res.body.data!.hospitals.totalCount).toBe(60);
      const sub = hub.subgraphs.find((s) => s.name === 'directory')!;
      const { rows } = await sub.db.pool.query<{ user: string }>('SELECT current_user AS user');
      expect(rows[0]!.user).toBe('directory_svc');
    } finally {
      await hub.stop();
    }
    const again = await startHub(loadHubConfig(env()), log);
    try {
      expect(again.seeded).toEqual({});
      const res = await gql<{ staff: { totalCount: number } }>(
        again.gatewayUrl,
        '{ staff { totalCount } }',
        undefined,
        await asSupervisor(again),
      );
      expect(res.body.data!.staff.totalCount).toBe(30_000);
    } finally {
      await again.stop();
    }
  });
});

describe('npm run db:migrate (deployment step)', () => {
  it('provisions and migrates a fresh database, leaving the tables to the subgraph role', async () => {
    const fresh = await createTestDatabase({ subgraphs: [] });
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
        env: { ...process.env, DATABASE_URL: fresh.adminUrl, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      });
      expect(out).toContain('ready: directory');
      const owners = await withClient(fresh.adminUrl, async (c) =>
        (await c.query<{ owner: string }>("SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'directory'")).rows.map(
          (r) => r.owner,
        ),
      );
      expect(owners).toEqual(['directory_svc']);
    } finally {
      await fresh.drop();
    }
  });
});
