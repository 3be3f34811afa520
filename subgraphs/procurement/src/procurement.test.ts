import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkLoad } from '#platform/db/bulk.js';
import type { Db } from '#platform/db/client.js';
import { createTestDatabase } from '#platform/db/test-database.js';
import { createSubgraphApollo, openSubgraphDb } from '#platform/subgraph.js';
import { createLogger } from '#common/logger.js';
import { createRng } from '#platform/seed/rng.js';
import { identityOf, operationRunner } from '#testing/identities.js';
import type { PrismaClient } from './__generated__/prisma/client.js';
import { procurement } from './subgraph.js';

const HOSPITALS = [
  { code: '12330502MB0000001X', regionCode: '330502' },
  { code: '12330503MB0000002X', regionCode: '330503' },
];
const apollo = createSubgraphApollo(procurement, { log: createLogger({ level: 'silent' }), development: false });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db<PrismaClient>;
const ids: Record<string, string[]> = {};

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['procurement'] });
  db = await openSubgraphDb(procurement, { databaseUrl: database.urlFor('procurement') });
  const rng = createRng('procurement-test');
  const rows = HOSPITALS.flatMap((h) =>
    Array.from({ length: 3 }, (_, i) => [rng.uuid(), h.code, h.regionCode, `记录 ${i}`, new Date(), new Date()]),
  );
  for (const row of rows) (ids[row[1] as string] ??= []).push(row[0] as string);
  await bulkLoad(
    db.pool,
    { schema: 'procurement', table: 'record', columns: ['id', 'hospital_code', 'region_code', 'title', 'recorded_at', 'updated_at'] },
    rows,
    'copy',
  );
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  await db?.close();
  await database?.drop();
});

const LIST = '{ procurementRecords(first: 50) { totalCount nodes { id hospital { code } } } }';
type List = { procurementRecords: { totalCount: number; nodes: { id: string; hospital: { code: string } }[] } };

describe('procurement subgraph', () => {
  it("lists only the records in the caller's scope", async () => {
    const city = await operationRunner(apollo, procurement, () => db, identityOf(['supervisor'], { regionCode: '330500' }))<List>(LIST);
    expect(city.errors).toBeUndefined();
    expect(city.data!.procurementRecords.totalCount).toBe(6);
    const district = await operationRunner(apollo, procurement, () => db, identityOf(['supervisor'], { regionCode: '330502' }))<List>(LIST);
    expect(district.data!.procurementRecords.nodes.map((r) => r.hospital.code)).toEqual([
      '12330502MB0000001X',
      '12330502MB0000001X',
      '12330502MB0000001X',
    ]);
    const officer = await operationRunner(
      apollo,
      procurement,
      () => db,
      identityOf(['hospital-officer'], { hospitalCode: '12330503MB0000002X' }),
    )<List>(LIST);
    expect(officer.data!.procurementRecords.nodes.map((r) => r.id).sort()).toEqual([...ids['12330503MB0000002X']!].sort());
  });

  it('resolves many references in one statement, out of scope as null', async () => {
    const run = operationRunner(apollo, procurement, () => db, identityOf(['supervisor'], { regionCode: '330502' }));
    const reps = Object.values(ids)
      .flat()
      .map((id) => ({ __typename: 'ProcurementRecord', id }));
    const before = db.stats.statements;
    const res = await run<{ _entities: ({ id: string } | null)[] }>(
      'query E($r: [_Any!]!) { _entities(representations: $r) { ... on ProcurementRecord { id } } }',
      { r: reps },
    );
    expect(db.stats.statements - before).toBe(1);
    expect(res.data!._entities.filter(Boolean)).toHaveLength(3);
  });

  it('pages the records of many hospitals in one statement, each hospital its own, in scope', async () => {
    const run = operationRunner(apollo, procurement, () => db, identityOf(['supervisor'], { regionCode: '330500' }));
    const before = db.stats.statements;
    const res = await run<{ _entities: { code: string; procurementRecords: { nodes: { id: string }[] } }[] }>(
      'query H($r: [_Any!]!) { _entities(representations: $r) { ... on Hospital { code procurementRecords(first: 2) { nodes { id } } } } }',
      { r: HOSPITALS.map((h) => ({ __typename: 'Hospital', code: h.code })) },
    );
    expect(res.errors).toBeUndefined();
    expect(db.stats.statements - before).toBe(1);
    for (const h of res.data!._entities) expect(h.procurementRecords.nodes.map((r) => r.id)).toEqual([...ids[h.code]!].sort().slice(0, 2));
    const district = operationRunner(apollo, procurement, () => db, identityOf(['supervisor'], { regionCode: '330502' }));
    const other = await district<{ _entities: { procurementRecords: { nodes: unknown[] } }[] }>(
      'query H($r: [_Any!]!) { _entities(representations: $r) { ... on Hospital { procurementRecords { nodes { id } } } } }',
      { r: [{ __typename: 'Hospital', code: HOSPITALS[1]!.code }] },
    );
    expect(other.data!._entities[0]!.procurementRecords.nodes).toEqual([]);
  });

  it('refuses a malformed id and a foreign cursor with BAD_USER_INPUT naming the argument', async () => {
    const run = operationRunner(apollo, procurement, () => db, identityOf(['supervisor'], { regionCode: '330000' }));
    const byId = await run('{ procurementRecord(id: "nope") { id } }');
    expect(byId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const page = await run('{ procurementRecords(after: "bm9wZQ") { totalCount } }');
    expect(page.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('gives administrators (三员) nothing', async () => {
    const res = await operationRunner(apollo, procurement, () => db, identityOf(['audit-admin']))(LIST);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
