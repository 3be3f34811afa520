import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { createAuditWriter } from '#common/audit/writer.js';
import { createLogger } from '#common/logger.js';
import type { Db } from './db/client.js';
import { auditWriterUrl } from './db/provision.js';
import { createTestDatabase } from './db/test-database.js';
import { byKey, groupBy, nestedConnections } from './loaders.js';
import { bigintCursor, encodeCursor, parsePage, uuidCursor } from './pagination.js';
import { openSubgraphDb } from './subgraph.js';
import { makeUscc } from './validation/index.js';
import { loadDirectory, loadSuppliers } from '#testing/fixtures.js';
import type {
  Prisma as DirectoryPrisma,
  PrismaClient as DirectoryClient,
  Product,
  Staff,
} from '../../directory/src/__generated__/prisma/client.js';
import type { Entry, Prisma as AuditPrisma, PrismaClient as AuditClient } from '../../audit/src/__generated__/prisma/client.js';
import { directory } from '../../directory/src/subgraph.js';
import { audit } from '../../audit/src/subgraph.js';

// The nested loader against two subgraphs' models (uuid, char, enum, Decimal, bigint, Json, array
// and timestamp columns): what it returns must be what Prisma returns for the same rows.

const log = createLogger({ level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: Db<DirectoryClient>;
let aud: Db<AuditClient>;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
const SUPPLIERS = Array.from({ length: 6 }, (_, i) =>
  makeUscc({ registrationDept: '9', category: '1', regionCode: '330502', serial: i + 1 }),
);
const SUBJECTS = ['alice', 'bob', 'carol'];

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory', 'audit'] });
  dir = await openSubgraphDb(directory, { databaseUrl: database.urlFor('directory') });
  aud = await openSubgraphDb(audit, { databaseUrl: database.urlFor('audit') });
  fixture = await loadDirectory(dir.pool, { hospitals: 30, departmentsEach: 2, staffEach: 4 });
  // Supplier i has 2i products (the first none); prices with four decimals, some unknown.
  await loadSuppliers(dir.pool, SUPPLIERS, 'PHARMA', (i) =>
    Array.from({ length: 2 * i }, (_, k) => ({
      code: `P${i}-${String(k).padStart(2, '0')}`,
      name: `药品${i}-${k}`,
      kind: 'DRUG',
      vbpSelected: k % 2 === 0,
      listedPrice: k % 3 === 0 ? null : `${i}${k}.0${k}25`,
    })),
  );
  const writer = createAuditWriter({ pool: auditWriterUrl(database.adminUrl), algorithm: 'sm3', log });
  for (let i = 1; i <= 24; i++) {
    writer.append({
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      source: 'gateway',
      requestId: `r${i}`,
      subject: SUBJECTS[i % 3]!,
      clientId: 'console',
      roles: ['supervisor', 'inspector'],
      ip: '10.0.0.1',
      operationType: 'query',
      operationName: 'Op',
      operationHash: null,
      hospitals: i % 2 ? [fixture.hospitals[0]!.code] : [],
      records: i,
      outcome: 'ok',
      status: 200,
      errorCodes: [],
      durationMs: i,
      unmaskReason: null,
      unmaskedFields: [],
      detail: { i, nested: { list: [1, 'a', null] } },
    });
  }
  await writer.close();
});
afterAll(async () => {
  await dir?.close();
  await aud?.close();
  await database?.drop();
});

const staffOfHospital = () =>
  nestedConnections<Staff, DirectoryPrisma.StaffWhereInput>(dir, {
    model: 'Staff',
    key: 'id',
    cursor: uuidCursor,
    parent: (hospitalCode) => ({ hospitalCode }),
  });
const statements = async <T>(db: Db<unknown>, work: () => Promise<T>) => {
  const before = db.stats.statements;
  const result = await work();
  return { result, statements: db.stats.statements - before };
};

describe('byKey, groupBy', () => {
  it('answer in the keys’ order, null or empty for a key without rows', () => {
    const rows = [
      { k: 'b', v: 1 },
      { k: 'a', v: 2 },
      { k: 'b', v: 3 },
    ];
    expect(byKey(['a', 'x', 'b'], rows, (r) => r.k).map((r) => r?.v ?? null)).toEqual([2, null, 3]);
    expect(groupBy(['b', 'x', 'a'], rows, (r) => r.k).map((g) => g.map((r) => r.v))).toEqual([[1, 3], [], [2]]);
  });
});

describe('nested connections', () => {
  it('gives every parent exactly its own first page, in key order, as Prisma’s model objects — in one statement', async () => {
    const loader = staffOfHospital();
    const codes = fixture.hospitals.map((h) => h.code);
    const { result, statements: used } = await statements(dir, () =>
      Promise.all(codes.map((code) => loader.load(code, {}, parsePage({ first: 3 })))),
    );
    expect(used).toBe(1);
    for (const [i, code] of codes.entries()) {
      const expected = await dir.client.staff.findMany({ where: { hospitalCode: code }, orderBy: { id: 'asc' }, take: 3 });
      expect(result[i]!.nodes).toEqual(expected);
      expect(result[i]!.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: encodeCursor(expected[2]!.id) });
    }
  });

  it('continues each parent from its own cursor; parents with and without one share the statement', async () => {
    const [a, b, c] = fixture.hospitals.slice(0, 3).map((h) => h.code);
    const all = async (code: string) =>
      (await dir.client.staff.findMany({ where: { hospitalCode: code }, orderBy: { id: 'asc' } })).map((s) => s.id);
    const [allA, allB, allC] = [await all(a!), await all(b!), await all(c!)];
    const loader = staffOfHospital();
    const { result, statements: used } = await statements(dir, () =>
      Promise.all([
        loader.load(a!, {}, parsePage({ first: 3, after: encodeCursor(allA[1]!) })),
        loader.load(b!, {}, parsePage({ first: 3, after: encodeCursor(allB[5]!) })),
        loader.load(c!, {}, parsePage({ first: 3 })),
      ]),
    );
    expect(used).toBe(1);
    expect(result.map((r) => r.nodes.map((s) => s.id))).toEqual([allA.slice(2, 5), allB.slice(6, 8), allC.slice(0, 3)]);
    expect(result.map((r) => [r.pageInfo.hasNextPage, r.pageInfo.hasPreviousPage])).toEqual([
      [true, true],
      [false, true],
      [true, false],
    ]);
  });

  it('walks a parent’s list to its end with its own cursors', async () => {
    const code = fixture.hospitals[7]!.code;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Awaited<ReturnType<ReturnType<typeof staffOfHospital>['load']>> = await staffOfHospital().load(
        code,
        {},
        parsePage({ first: 3, after }),
      );
      seen.push(...page.nodes.map((s) => s.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual((await dir.client.staff.findMany({ where: { hospitalCode: code }, orderBy: { id: 'asc' } })).map((s) => s.id));
  });

  it('counts per parent in one more statement, only when asked', async () => {
    const loader = staffOfHospital();
    const codes = fixture.hospitals.slice(0, 10).map((h) => h.code);
    const where: DirectoryPrisma.StaffWhereInput = { employeeNo: { endsWith: '1' } };
    const { result: pages, statements: paged } = await statements(dir, () =>
      Promise.all(codes.map((code) => loader.load(code, where, parsePage({ first: 2 })))),
    );
    expect(paged).toBe(1);
    const { result: totals, statements: counted } = await statements(dir, () => Promise.all(pages.map((p) => p.totalCount())));
    expect(counted).toBe(1);
    expect(totals).toEqual(
      await Promise.all(codes.map((code) => dir.client.staff.count({ where: { hospitalCode: code, employeeNo: { endsWith: '1' } } }))),
    );
    expect(totals.some((n) => n > 0) && totals.some((n) => n === 0)).toBe(true);
  });

  it('one statement per distinct filter and page size within a batch', async () => {
    const loader = staffOfHospital();
    const [a, b] = fixture.hospitals.slice(0, 2).map((h) => h.code);
    const { result, statements: used } = await statements(dir, () =>
      Promise.all([
        loader.load(a!, { role: 'DOCTOR' }, parsePage({ first: 2 })),
        loader.load(b!, { role: 'DOCTOR' }, parsePage({ first: 2 })),
        loader.load(a!, { role: 'NURSE' }, parsePage({ first: 2 })),
        loader.load(a!, { role: 'DOCTOR' }, parsePage({ first: 5 })),
      ]),
    );
    expect(used).toBe(3);
    expect(result.map((r) => r.nodes.length)).toEqual([2, 2, 0, 5]);
    expect(result[3].nodes.slice(0, 2)).toEqual(result[0].nodes);
  });

  it('refuses a bad cursor for its own load only, and asks nothing of the database for an empty page', async () => {
    const loader = staffOfHospital();
    const [a, b] = fixture.hospitals.slice(0, 2).map((h) => h.code);
    const [bad, good] = await Promise.allSettled([
      loader.load(a!, {}, parsePage({ first: 2, after: encodeCursor('not-a-uuid') })),
      loader.load(b!, {}, parsePage({ first: 2 })),
    ]);
    expect(bad.status === 'rejected' && bad.reason instanceof GraphQLError && bad.reason.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expect(good.status === 'fulfilled' && good.value.nodes.length).toBe(2);
    const { result, statements: used } = await statements(dir, () => loader.load(a!, {}, parsePage({ first: 0 })));
    expect([result.nodes, result.pageInfo.hasNextPage, used]).toEqual([[], false, 0]);
    expect(await result.totalCount()).toBe(8);
  });

  it('reads Decimal and nullable columns as Prisma does, with an empty page for a parent without children', async () => {
    const loader = nestedConnections<Product, DirectoryPrisma.ProductWhereInput>(dir, {
      model: 'Product',
      key: 'code',
      parent: (supplierUscc) => ({ supplierUscc }),
    });
    const pages = await Promise.all(SUPPLIERS.map((u) => loader.load(u, {}, parsePage({ first: 4 }))));
    for (const [i, u] of SUPPLIERS.entries()) {
      expect(pages[i]!.nodes).toEqual(await dir.client.product.findMany({ where: { supplierUscc: u }, orderBy: { code: 'asc' }, take: 4 }));
    }
    expect(pages[0]!.nodes).toEqual([]);
    expect(pages[5]!.nodes.map((p) => p.listedPrice?.toFixed(4) ?? null)).toEqual([null, '51.0125', '52.0225', null]);
    expect(await Promise.all(pages.map((p) => p.totalCount()))).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('pages newest first by a bigint key, with Json, array and timestamp columns as Prisma reads them', async () => {
    const loader = nestedConnections<Entry, AuditPrisma.EntryWhereInput>(aud, {
      model: 'Entry',
      key: 'seq',
      direction: 'desc',
      cursor: bigintCursor,
      parent: (subject) => ({ subject }),
    });
    const first = await Promise.all(SUBJECTS.map((s) => loader.load(s, {}, parsePage({ first: 3 }))));
    const second = await Promise.all(
      first.map((p, i) => loader.load(SUBJECTS[i]!, {}, parsePage({ first: 3, after: p.pageInfo.endCursor }))),
    );
    for (const [i, subject] of SUBJECTS.entries()) {
      const expected = await aud.client.entry.findMany({ where: { subject }, orderBy: { seq: 'desc' }, take: 6 });
      expect([...first[i]!.nodes, ...second[i]!.nodes]).toEqual(expected);
    }
    expect(first[0]!.nodes[0]).toMatchObject({
      seq: 24n,
      roles: ['supervisor', 'inspector'],
      detail: { i: 24, nested: { list: [1, 'a', null] } },
    });
    expect(first[0]!.nodes[0]!.time).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0, 24)));
    const filtered = await loader.load('alice', { hospitals: { has: fixture.hospitals[0]!.code } }, parsePage({ first: 50 }));
    expect(filtered.nodes.map((e) => e.seq)).toEqual([21n, 15n, 9n, 3n]);
  });

  it('refuses an order that is not unique', () => {
    expect(() => nestedConnections(dir, { model: 'Staff', key: 'name', parent: (hospitalCode) => ({ hospitalCode }) })).toThrow(
      /Staff.name is not a unique field/,
    );
  });
});
