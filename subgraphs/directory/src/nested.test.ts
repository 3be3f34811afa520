import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#platform/db/client.js';
import { createTestDatabase } from '#platform/db/test-database.js';
import { createLogger } from '#common/logger.js';
import { rowScope } from '#platform/access/scope.js';
import { parsePage } from '#platform/pagination.js';
import { createSubgraphApollo, openSubgraphDb } from '#platform/subgraph.js';
import { makeUscc } from '#platform/validation/index.js';
import { CITY, DISTRICTS, loadDirectory, loadSuppliers, OTHER_CITY, PROVINCE } from '#testing/fixtures.js';
import { identityOf, operationRunner } from '#testing/identities.js';
import type { PrismaClient as DirectoryClient } from './__generated__/prisma/client.js';
import { createRepository } from './repository.js';
import { directory } from './subgraph.js';

// Nested lists (Hospital.staff, Department.staff, Region.hospitals, Supplier.products): one statement
// per batch of parents, each parent its own page and cursor, the same rows as the root lists, the
// caller's row scope on every one.

const log = createLogger({ level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db<DirectoryClient>;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
const apollo = createSubgraphApollo(directory, { log, development: false });
const province = identityOf(['supervisor'], { regionCode: PROVINCE });
const run = operationRunner(apollo, directory, () => db, province);
const SUPPLIERS = Array.from({ length: 12 }, (_, i) =>
  makeUscc({ registrationDept: '9', category: '1', regionCode: '330502', serial: i + 1 }),
);

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory'] });
  db = await openSubgraphDb(directory, { databaseUrl: database.urlFor('directory') });
  fixture = await loadDirectory(db.pool, { hospitals: 500, departmentsEach: 2, staffEach: 5 });
  await db.pool.query(`UPDATE directory.staff SET role = 'NURSE', title = '护师' WHERE employee_no LIKE '%3' OR employee_no LIKE '%7'`);
  await loadSuppliers(db.pool, SUPPLIERS, 'DEVICE', (i) =>
    Array.from({ length: i % 5 }, (_, k) => ({
      code: `C${i}-${k}`,
      name: `耗材${i}-${k}`,
      kind: 'CONSUMABLE',
      specification: k ? `${k}ml` : null,
      vbpSelected: k % 2 === 1,
      listedPrice: k === 2 ? null : `${i}.${k}500`,
    })),
  );
  await db.pool.query('ANALYZE');
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  await db?.close();
  await database?.drop();
});

const statements = async <T>(work: () => Promise<T>) => {
  const before = db.stats.statements;
  const result = await work();
  return { result, used: db.stats.statements - before };
};
/** Every hospital's staff ids in id order, straight from the table. */
const staffIdsByHospital = async () => {
  const rows = (
    await db.pool.query<{ hospital_code: string; id: string }>('SELECT hospital_code, id FROM directory.staff ORDER BY hospital_code, id')
  ).rows;
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.hospital_code, [...(map.get(r.hospital_code) ?? []), r.id]);
  return map;
};

type StaffPage = {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  nodes: { id: string }[];
};
const STAFF_FIELDS = 'id employeeNo name role title idCardNumber phone idCardNumberMasked phoneMasked';

describe('500 hospitals with their first 5 staff each', () => {
  const QUERY = `{ hospitals(first: 500) { nodes { code staff(first: 5) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } } } }`;

  it('is at most 3 statements (the hospitals, then every hospital’s staff page at once), each hospital exactly its own first 5 in id order', async () => {
    const { result: res, used } = await statements(() => run<{ hospitals: { nodes: { code: string; staff: StaffPage }[] } }>(QUERY));
    expect(res.errors).toBeUndefined();
    expect(used).toBeLessThanOrEqual(3);
    expect(used).toBe(2);
    const expected = await staffIdsByHospital();
    const nodes = res.data!.hospitals.nodes;
    expect(nodes).toHaveLength(500);
    for (const h of nodes) {
      expect(h.staff.nodes.map((s) => s.id)).toEqual(expected.get(h.code)!.slice(0, 5));
      expect(h.staff.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    }
  });

  it('totalCount adds one statement for all 500, not one per hospital', async () => {
    const { result: res, used } = await statements(() =>
      run<{ hospitals: { nodes: { staff: StaffPage }[] } }>(QUERY.replace('staff(first: 5) {', 'staff(first: 5) { totalCount')),
    );
    expect(res.errors).toBeUndefined();
    expect(used).toBe(3);
    expect(res.data!.hospitals.nodes.every((h) => h.staff.totalCount === 10)).toBe(true);
  });
});

describe('nested cursors', () => {
  const PAGES = `query P($a: ID!, $b: ID!, $c: ID!, $afterA: String, $afterB: String) {
    a: hospital(code: $a) { staff(first: 4, after: $afterA) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } }
    b: hospital(code: $b) { staff(first: 4, after: $afterB) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } }
    c: hospital(code: $c) { staff(first: 4) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } }
  }`;
  type Pages = Record<'a' | 'b' | 'c', { staff: StaffPage }>;

  it('continue each parent’s own list, parents with and without a cursor in one statement', async () => {
    const [a, b, c] = fixture.hospitals.slice(10, 13).map((h) => h.code);
    const first = await run<Pages>(PAGES, { a, b, c });
    expect(first.errors).toBeUndefined();
    const { result: next, used } = await statements(() =>
      run<Pages>(PAGES, { a, b, c, afterA: first.data!.a.staff.pageInfo.endCursor, afterB: first.data!.b.staff.pageInfo.endCursor }),
    );
    expect(used).toBe(2); // the three hospitals (one look-up), their three staff pages (one statement)
    const expected = await staffIdsByHospital();
    expect(next.data!.a.staff.nodes.map((s) => s.id)).toEqual(expected.get(a!)!.slice(4, 8));
    expect(next.data!.b.staff.nodes.map((s) => s.id)).toEqual(expected.get(b!)!.slice(4, 8));
    expect(next.data!.c.staff.nodes.map((s) => s.id)).toEqual(expected.get(c!)!.slice(0, 4));
    expect(next.data!.a.staff.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(next.data!.c.staff.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('are the root list’s cursors: either list continues where the other stopped', async () => {
    const code = fixture.hospitals[20]!.code;
    const nested = (after: string | null) =>
      run<{ hospital: { staff: StaffPage } }>(
        'query N($code: ID!, $after: String) { hospital(code: $code) { staff(first: 3, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } } }',
        { code, after },
      );
    const root = (after: string | null) =>
      run<{ staff: StaffPage }>(
        'query R($code: ID!, $after: String) { staff(filter: { hospitalCode: $code }, first: 3, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } }',
        { code, after },
      );
    const n1 = (await nested(null)).data!.hospital.staff;
    const r2 = (await root(n1.pageInfo.endCursor)).data!.staff;
    const n3 = (await nested(r2.pageInfo.endCursor)).data!.hospital.staff;
    const expected = (await staffIdsByHospital()).get(code)!;
    expect([...n1.nodes, ...r2.nodes, ...n3.nodes].map((s) => s.id)).toEqual(expected.slice(0, 9));
    expect((await nested(n1.pageInfo.endCursor)).data!.hospital.staff).toEqual(r2);
  });

  it('refuse a bad cursor or page size with BAD_USER_INPUT naming the argument, on that field only', async () => {
    const res = await run<{ a: { staff: StaffPage } | null; b: { staff: StaffPage } }>(
      `query B($code: ID!) { a: hospital(code: $code) { staff(after: "not-a-cursor") { nodes { id } } } b: hospital(code: $code) { staff(first: 2) { nodes { id } } } }`,
      { code: fixture.hospitals[0]!.code },
    );
    expect(res.errors?.[0]).toMatchObject({ path: ['a', 'staff'], extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    expect(res.data!.b.staff.nodes).toHaveLength(2);
    const uuidless = await run(
      `{ hospitals(first: 2) { nodes { staff(after: "${Buffer.from('k:abc').toString('base64url')}") { nodes { id } } } } }`,
    );
    expect(uuidless.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big = await run('{ hospitals(first: 2) { nodes { staff(first: 501) { nodes { id } } } } }');
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('row scope on nested lists', () => {
  type RegionHospitals = { region: { hospitals: { totalCount: number; nodes: { code: string; region: { code: string } }[] } } | null };
  const REGION = 'query R($code: ID!) { region(code: $code) { hospitals(first: 500) { totalCount nodes { code region { code } } } } }';

  it('a district supervisor’s region.hospitals never shows another district’s hospital', async () => {
    const district = operationRunner(apollo, directory, () => db, identityOf(['supervisor'], { regionCode: DISTRICTS[0] }));
    const mine = fixture.hospitals
      .filter((h) => h.regionCode === DISTRICTS[0])
      .map((h) => h.code)
      .sort();
    for (const code of [PROVINCE, CITY, DISTRICTS[0]]) {
      const res = await district<RegionHospitals>(REGION, { code });
      expect(res.errors).toBeUndefined();
      expect(res.data!.region!.hospitals.nodes.map((h) => h.code)).toEqual(mine);
      expect(res.data!.region!.hospitals.totalCount).toBe(mine.length);
    }
    for (const code of [DISTRICTS[1], OTHER_CITY]) {
      const res = await district<RegionHospitals>(REGION, { code });
      expect(res.data!.region!.hospitals).toEqual({ totalCount: 0, nodes: [] });
    }
    // The province supervisor sees the other districts' hospitals through the same field.
    const all = await run<RegionHospitals>(REGION, { code: CITY });
    expect(all.data!.region!.hospitals.totalCount).toBe(
      fixture.hospitals.filter((h) => DISTRICTS.includes(h.regionCode as (typeof DISTRICTS)[number])).length,
    );
  });

  it('a hospital officer’s region.hospitals is their hospital', async () => {
    const own = fixture.hospitals[7]!;
    const officer = operationRunner(apollo, directory, () => db, identityOf(['hospital-officer'], { hospitalCode: own.code }));
    const res = await officer<RegionHospitals>(REGION, { code: PROVINCE });
    expect(res.data!.region!.hospitals).toEqual({ totalCount: 1, nodes: [{ code: own.code, region: { code: own.regionCode } }] });
  });

  it('the staff of a hospital or department outside the scope are never read, whoever asks for them', async () => {
    const other = fixture.hospitals.find((h) => h.regionCode === DISTRICTS[1])!;
    const otherDepartment = fixture.departments.find((d) => d.hospitalCode === other.code)!;
    const asScope = (regionCode: string) => createRepository(db, rowScope(identityOf(['supervisor'], { regionCode })));
    const p = parsePage({ first: 5 });
    for (const [repo, visible] of [
      [asScope(DISTRICTS[0]), false],
      [asScope(CITY), true],
    ] as const) {
      const [byHospital, byDepartment] = await Promise.all([
        repo.findStaffOfHospital(other.code, null, p),
        repo.findStaffOfDepartment(otherDepartment.id, null, p),
      ]);
      expect(byHospital.nodes.length > 0).toBe(visible);
      expect(byDepartment.nodes.length > 0).toBe(visible);
      expect(await byHospital.totalCount()).toBe(visible ? 10 : 0);
      expect(await byDepartment.totalCount()).toBe(visible ? 5 : 0);
    }
  });
});

describe('filters and the other nested lists', () => {
  it('Hospital.staff(filter:) gives the root list’s rows for the same filter, a distinct filter its own statement', async () => {
    const { result: res, used } = await statements(() =>
      run<{ hospitals: { nodes: { code: string; nurses: StaffPage; named: StaffPage }[] } }>(
        `{ hospitals(first: 20) { nodes { code
            nurses: staff(filter: { role: [NURSE] }, first: 3) { totalCount nodes { ${STAFF_FIELDS} } }
            named: staff(filter: { nameContains: "张1", role: [DOCTOR, NURSE] }, first: 50) { nodes { ${STAFF_FIELDS} } } } } }`,
      ),
    );
    expect(res.errors).toBeUndefined();
    expect(used).toBe(4); // hospitals; nurses; named; the nurses' counts
    for (const h of res.data!.hospitals.nodes) {
      const rootNurses = await run<{ staff: StaffPage }>(
        `query S($c: ID!) { staff(filter: { hospitalCode: $c, role: [NURSE] }, first: 3) { totalCount nodes { ${STAFF_FIELDS} } } }`,
        { c: h.code },
      );
      const rootNamed = await run<{ staff: StaffPage }>(
        `query S($c: ID!) { staff(filter: { hospitalCode: $c, nameContains: "张1", role: [DOCTOR, NURSE] }, first: 50) { nodes { ${STAFF_FIELDS} } } }`,
        { c: h.code },
      );
      expect(h.nurses).toEqual(rootNurses.data!.staff);
      expect(h.named).toEqual(rootNamed.data!.staff);
      expect(h.nurses.totalCount).toBe(2);
    }
    expect(res.data!.hospitals.nodes.some((h) => h.named.nodes.length > 0)).toBe(true);
  });

  it('the parent’s key wins over the same key in a filter, as it always has', async () => {
    const [a, b] = fixture.hospitals.slice(0, 2);
    const res = await run<{ hospital: { staff: StaffPage } }>(
      `query S($a: ID!, $b: ID!) { hospital(code: $a) { staff(filter: { hospitalCode: $b }, first: 20) { totalCount nodes { id } } } }`,
      { a: a!.code, b: b!.code },
    );
    expect(res.data!.hospital.staff.totalCount).toBe(10);
    expect(res.data!.hospital.staff.nodes.map((s) => s.id)).toEqual((await staffIdsByHospital()).get(a!.code));
  });

  it('Region.hospitals(filter:) is the subtree with the filter, as the root list with regionCode', async () => {
    type Conn = { totalCount: number; nodes: { code: string; level: string; name: string }[] };
    type Region = { code: string; hospitals: Conn };
    const FIELDS = 'totalCount nodes { code level name }';
    // The last filter names another region: the parent's subtree wins, as it always has.
    for (const filter of [{ level: ['LEVEL_3'], specialty: 'ONCOLOGY' }, { nameContains: '测试医院01' }, { regionCode: OTHER_CITY }]) {
      const nested = await run<{ regions: Region[]; city: Region }>(
        `query N($f: HospitalFilter) { regions(level: DISTRICT) { code hospitals(filter: $f, first: 100) { ${FIELDS} } } city: region(code: "${CITY}") { code hospitals(filter: $f, first: 100) { ${FIELDS} } } }`,
        { f: filter },
      );
      expect(nested.errors).toBeUndefined();
      const regions = [...nested.data!.regions, nested.data!.city];
      expect(regions).toHaveLength(4);
      expect(regions.filter((r) => r.hospitals.nodes.length > 0).length).toBeGreaterThanOrEqual(2);
      for (const region of regions) {
        const root = await run<{ hospitals: Conn }>(`query R($f: HospitalFilter) { hospitals(filter: $f, first: 100) { ${FIELDS} } }`, {
          f: { ...filter, regionCode: region.code },
        });
        expect(region.hospitals).toEqual(root.data!.hospitals);
      }
    }
  });

  it('Department.staff and Supplier.products: the root lists’ rows, one statement per list', async () => {
    const { result: deps, used } = await statements(() =>
      run<{ departments: { nodes: { id: string; staff: StaffPage }[] } }>(
        `{ departments(first: 200) { nodes { id staff(first: 3) { totalCount nodes { ${STAFF_FIELDS} } } } } }`,
      ),
    );
    expect(deps.errors).toBeUndefined();
    expect(used).toBe(3);
    for (const d of deps.data!.departments.nodes.slice(0, 20)) {
      const root = await run<{ staff: StaffPage }>(
        `query S($d: ID!) { staff(filter: { departmentId: $d }, first: 3) { totalCount nodes { ${STAFF_FIELDS} } } }`,
        { d: d.id },
      );
      expect(d.staff).toEqual(root.data!.staff);
      expect(d.staff.totalCount).toBe(5);
    }
    type Products = { totalCount: number; pageInfo: { hasNextPage: boolean }; nodes: { code: string; listedPrice: string | null }[] };
    const PRODUCT_FIELDS = 'totalCount pageInfo { hasNextPage endCursor } nodes { code name kind specification vbpSelected listedPrice }';
    const { result: sup, used: supUsed } = await statements(() =>
      run<{ suppliers: { nodes: { uscc: string; products: Products }[] } }>(
        `{ suppliers(first: 12) { nodes { uscc products(first: 3) { ${PRODUCT_FIELDS} } } } }`,
      ),
    );
    expect(sup.errors).toBeUndefined();
    expect(supUsed).toBe(3);
    for (const s of sup.data!.suppliers.nodes) {
      const root = await run<{ products: Products }>(
        `query P($u: ID!) { products(filter: { supplierUscc: $u }, first: 3) { ${PRODUCT_FIELDS} } }`,
        { u: s.uscc },
      );
      expect(s.products).toEqual(root.data!.products);
    }
    const withPrices = sup.data!.suppliers.nodes.find((s) => s.products.totalCount === 4)!;
    expect(withPrices.products.nodes.map((p) => p.listedPrice)).toEqual([
      expect.stringMatching(/^\d+\.0500$/),
      expect.stringMatching(/^\d+\.1500$/),
      null,
    ]);
  });
});
