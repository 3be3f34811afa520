import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#platform/db/client.js';
import { createTestDatabase } from '#platform/db/test-database.js';
import { createLogger } from '#common/logger.js';
import { createSubgraphApollo, openSubgraphDb } from '#platform/subgraph.js';
import { makeUscc } from '#platform/validation/index.js';
import { loadDirectory, PROVINCE } from '#testing/fixtures.js';
import { identityOf, operationRunner } from '#testing/identities.js';
import type { PrismaClient as DirectoryClient } from './__generated__/prisma/client.js';
import { directory } from './subgraph.js';

const log = createLogger({ level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db<DirectoryClient>;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
const apollo = createSubgraphApollo(directory, { log, development: false });
const supervisor = identityOf(['supervisor'], { regionCode: PROVINCE });

const run = operationRunner(apollo, directory, () => db, supervisor);

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory'] });
  db = await openSubgraphDb(directory, { databaseUrl: database.urlFor('directory') });
  fixture = await loadDirectory(db.pool, { hospitals: 1_000, departmentsEach: 2, staffEach: 0 });
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  await db?.close();
  await database?.drop();
});

const ENTITIES = 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Hospital { code name } ... on Department { id } } }';

describe('directory subgraph', () => {
  it('resolves 1,000 Hospital representations in one SQL statement', async () => {
    const before = db.stats.statements;
    const res = await run<{ _entities: { code: string }[] }>(ENTITIES, {
      r: fixture.hospitals.map((h) => ({ __typename: 'Hospital', code: h.code })),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((h) => h.code)).toEqual(fixture.hospitals.map((h) => h.code));
    expect(db.stats.statements - before).toBe(1);
  });

  it('returns null for unknown or malformed references, in order, still batched', async () => {
    const unknown = makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 77_777 });
    const before = db.stats.statements;
    const res = await run<{ _entities: ({ code?: string; id?: string } | null)[] }>(ENTITIES, {
      r: [
        { __typename: 'Hospital', code: fixture.hospitals[1]!.code },
        { __typename: 'Hospital', code: unknown },
        { __typename: 'Department', id: 'not-a-uuid' },
        { __typename: 'Department', id: fixture.departments[0]!.id },
      ],
    });
    expect(res.data!._entities).toEqual([
      { code: fixture.hospitals[1]!.code, name: fixture.hospitals[1]!.name },
      null,
      null,
      { id: fixture.departments[0]!.id },
    ]);
    expect(db.stats.statements - before).toBe(2);
  });

  it('publishes its SDL for composition', async () => {
    const res = await run<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(res.data!._service.sdl).toMatch(/type Hospital\s+@key\(fields: "code"\)/);
  });

  it('counts with the connection only when totalCount is asked for', async () => {
    const before = db.stats.statements;
    await run('{ hospitals(first: 5) { nodes { code } } }');
    const withoutCount = db.stats.statements - before;
    await run('{ hospitals(first: 5) { totalCount nodes { code } } }');
    expect(db.stats.statements - before - withoutCount).toBe(withoutCount + 1);
  });
});
