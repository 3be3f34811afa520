import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './client.js';
import { modelMap, parseModelBlocks } from './model-map.js';
import { createTestDatabase } from './test-database.js';
import { SqlExpression, WhereCompiler } from './where-sql.js';
import { openSubgraphDb } from '../subgraph.js';
import { CITY, DISTRICTS, loadDirectory, PROVINCE } from '#testing/fixtures.js';
import type { PrismaClient as DirectoryClient } from '../../../directory/src/__generated__/prisma/client.js';
import { directory } from '../../../directory/src/subgraph.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db<DirectoryClient>;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['directory'] });
  db = await openSubgraphDb(directory, { databaseUrl: database.urlFor('directory') });
  fixture = await loadDirectory(db.pool, { hospitals: 40, departmentsEach: 3, staffEach: 2 });
  // Variety for the filters: titles (some null), roles, staff without a department, a name with a LIKE wildcard.
  await db.pool
    .query(`UPDATE directory.staff SET title = CASE WHEN employee_no LIKE '%1' THEN '主任医师' WHEN employee_no LIKE '%2' THEN 'x' END,
    role = CASE WHEN employee_no LIKE '%3' THEN 'NURSE'::directory."StaffRole" ELSE role END,
    department_id = CASE WHEN employee_no LIKE '%7' THEN NULL ELSE department_id END,
    name = CASE WHEN employee_no = 'E10' THEN '张_1%' ELSE name END`);
  await db.pool.query(
    `UPDATE directory.hospital SET grade = CASE WHEN name LIKE '%1' OR name LIKE '%4' THEN '甲' WHEN name LIKE '%2' OR name LIKE '%5' THEN '乙' END`,
  );
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

type Model = 'staff' | 'hospital' | 'region' | 'department';
const KEYS = {
  staff: ['Staff', 'id'],
  hospital: ['Hospital', 'code'],
  region: ['Region', 'code'],
  department: ['Department', 'id'],
} as const;

/** Keys of the rows Prisma returns for `where`, and of the rows the compiled SQL returns, both in key order. */
async function both(model: Model, where: object) {
  const [name, key] = KEYS[model];
  const delegate = db.client[model] as unknown as { findMany(args: object): Promise<Record<string, string>[]> };
  const prisma = (await delegate.findMany({ where, select: { [key]: true }, orderBy: { [key]: 'asc' } })).map((r) => r[key]);
  const c = new WhereCompiler(modelMap(db.client, db.schema));
  const t = c.alias();
  const info = c.models.model(name);
  const sql = `SELECT "${t}"."${info.scalars.get(key)!.column}" AS k FROM ${c.table(info)} AS "${t}" WHERE ${c.where(name, t, where)} ORDER BY 1`;
  const raw = (await db.client.$queryRawUnsafe<{ k: string }[]>(sql, ...c.params)).map((r) => r.k);
  return { prisma, raw };
}

const someHospital = () => fixture.hospitals[3]!.code;
const someDepartments = () => fixture.departments.slice(0, 5).map((d) => d.id);

const CASES: [Model, string, () => object, (n: number) => boolean][] = [
  // [model, what, where, a check on the number of rows Prisma returns: each case must select something and not everything]
  ['staff', 'equals a char(18) column', () => ({ hospitalCode: someHospital() }), (n) => n === 6],
  ['staff', 'enum in', () => ({ role: { in: ['NURSE'] } }), (n) => n > 0 && n < 240],
  ['staff', 'in [] matches nothing', () => ({ hospitalCode: { in: [] } }), (n) => n === 0],
  ['staff', 'notIn on a nullable uuid column', () => ({ departmentId: { notIn: someDepartments() } }), (n) => n > 0 && n < 240],
  ['staff', 'contains, insensitive', () => ({ name: { contains: '张1', mode: 'insensitive' } }), (n) => n > 10 && n < 240],
  ['staff', 'contains does not escape LIKE wildcards (as Prisma)', () => ({ name: { contains: '_1%' } }), (n) => n > 1],
  ['staff', 'equals, insensitive', () => ({ name: { equals: '张2', mode: 'insensitive' } }), (n) => n === 1],
  ['staff', 'startsWith and endsWith together', () => ({ employeeNo: { startsWith: 'E1', endsWith: '0' } }), (n) => n > 1 && n < 50],
  ['staff', 'null', () => ({ title: null }), (n) => n > 0 && n < 240],
  ['staff', 'not null', () => ({ title: { not: null } }), (n) => n > 0 && n < 240],
  ['staff', 'not a value leaves NULLs out', () => ({ title: { not: 'x' } }), (n) => n > 0 && n < 100],
  ['staff', 'NOT leaves NULLs out too', () => ({ NOT: { title: 'x' } }), (n) => n > 0 && n < 100],
  ['staff', 'NOT of a list', () => ({ NOT: [{ title: 'x' }, { role: 'NURSE' }] }), (n) => n > 0 && n < 100],
  ['staff', 'OR with a null', () => ({ OR: [{ title: 'x' }, { title: null }] }), (n) => n > 100 && n < 240],
  ['staff', 'OR [] matches nothing', () => ({ OR: [] }), (n) => n === 0],
  ['staff', 'AND [] matches everything', () => ({ AND: [] }), (n) => n === 240],
  [
    'staff',
    'comparisons on a timestamp and a uuid',
    () => ({ createdAt: { lte: new Date() }, id: { gt: '80000000-0000-0000-0000-000000000000' } }),
    (n) => n > 0 && n < 240,
  ],
  ['staff', 'to-one relation, as a row scope', () => ({ hospital: { regionCode: { startsWith: '330502' } } }), (n) => n > 0 && n < 240],
  ['staff', 'to-one relation null (no department)', () => ({ department: null }), (n) => n > 0 && n < 240],
  ['staff', 'is null', () => ({ department: { is: null } }), (n) => n > 0 && n < 240],
  ['staff', 'isNot null', () => ({ department: { isNot: null } }), (n) => n > 0 && n < 240],
  ['staff', 'is', () => ({ department: { is: { specialty: 'ONCOLOGY' } } }), (n) => n > 0 && n < 240],
  [
    'staff',
    'isNot includes rows without the relation',
    () => ({ department: { isNot: { specialty: 'CARDIOLOGY' } } }),
    (n) => n > 0 && n < 240,
  ],
  [
    'staff',
    'isNot leaves out a related row whose condition is NULL (as Prisma)',
    () => ({ hospital: { isNot: { grade: '甲' } } }),
    (n) => n > 0 && n < 120,
  ],
  [
    'staff',
    'two levels of relations',
    () => ({ department: { hospital: { region: { path: { contains: DISTRICTS[1] } } } } }),
    (n) => n > 0 && n < 240,
  ],
  ['hospital', 'subtree through the region path', () => ({ region: { path: { contains: CITY } } }), (n) => n > 0 && n < 40],
  ['hospital', 'some', () => ({ departments: { some: { specialty: 'ONCOLOGY' } } }), (n) => n > 0 && n < 40],
  ['hospital', 'every', () => ({ departments: { every: { specialty: { not: 'ONCOLOGY' } } } }), (n) => n > 0 && n < 40],
  [
    'hospital',
    'every: a NULL condition is no violation (as Prisma)',
    () => ({ staff: { every: { title: { not: 'x' } } } }),
    (n) => n > 0 && n < 40,
  ],
  ['hospital', 'none', () => ({ departments: { none: { specialty: 'ONCOLOGY' } } }), (n) => n > 0 && n < 40],
  [
    'hospital',
    'enum in and a key comparison',
    () => ({ level: { in: ['LEVEL_3', 'LEVEL_1'] }, code: { gt: someHospital() } }),
    (n) => n > 0 && n < 40,
  ],
  ['region', 'self-relation, the list side', () => ({ children: { some: {} } }), (n) => n === 3],
  ['region', 'self-relation, the owning side', () => ({ parent: { code: PROVINCE } }), (n) => n === 2],
  ['region', 'self-relation null', () => ({ parent: null }), (n) => n === 1],
  ['department', 'undefined values are ignored', () => ({ hospitalCode: undefined, specialty: 'CARDIOLOGY' }), (n) => n > 40 && n < 120],
];

describe('Prisma where-inputs as SQL', () => {
  it.each(CASES)('%s: %s — the same rows as Prisma', async (model, _what, where, check) => {
    const { prisma, raw } = await both(model, where());
    expect(check(prisma.length), `${prisma.length} rows`).toBe(true);
    expect(raw).toEqual(prisma);
  });

  it('refuses what it does not know rather than dropping a condition', () => {
    const c = new WhereCompiler(modelMap(db.client, db.schema));
    expect(() => c.where('Staff', 't0', { name: { search: 'x' } })).toThrow(/search on Staff.name is not supported/);
    expect(() => c.where('Staff', 't0', { salary: 1 })).toThrow(/Staff has no field salary/);
    expect(() => c.where('Hospital', 't0', { departments: { specialty: 'X' } })).toThrow(
      /filter specialty on Hospital.departments is not supported/,
    );
    expect(() => c.where('Staff', 't0', { name: { in: ['a'], mode: 'insensitive' } })).toThrow(/insensitive with in/);
  });

  it('puts an SQL expression where a value goes, and remembers the type of the column it was compared with', () => {
    const c = new WhereCompiler(modelMap(db.client, db.schema));
    const parent = new SqlExpression('p.parent');
    expect(c.where('Staff', 't0', { hospitalCode: parent })).toBe('"t0"."hospital_code" = p.parent');
    expect(c.typeOf(parent)).toBe('(NULL::"directory"."staff")."hospital_code"');
    const text = new SqlExpression('p.parent');
    expect(c.where('Hospital', 't1', { region: { path: { contains: text } } })).toContain(`LIKE ('%' || p.parent || '%')`);
    expect(c.typeOf(text)).toBeUndefined();
    expect(c.params).toEqual([]);
  });
});

describe('model map', () => {
  it('reads tables, columns, keys and relations from the generated client', () => {
    const models = modelMap(db.client, db.schema);
    const staff = models.model('Staff');
    expect(staff.table).toBe('staff');
    expect(staff.scalars.get('hospitalCode')).toMatchObject({ column: 'hospital_code', kind: 'scalar', type: 'String', unique: false });
    expect(staff.scalars.get('id')!.unique).toBe(true);
    expect(staff.scalars.get('idCardNumber')!.unique).toBe(true);
    expect(staff.scalars.get('role')).toMatchObject({ kind: 'enum', type: 'StaffRole' });
    expect(staff.relations.get('hospital')).toMatchObject({ model: 'Hospital', list: false, owning: true, on: [['hospitalCode', 'code']] });
    expect(models.model('Hospital').relations.get('staff')).toMatchObject({
      model: 'Staff',
      list: true,
      owning: false,
      on: [['code', 'hospitalCode']],
    });
    expect(models.model('Region').relations.get('children')).toMatchObject({ model: 'Region', list: true, on: [['code', 'parentCode']] });
    expect(models.model('Product').scalars.get('listedPrice')).toMatchObject({ column: 'listed_price', type: 'Decimal' });
    expect(() => models.model('Nope')).toThrow(/no model Nope/);
  });

  it('reads field declarations past comments and string literals', () => {
    const blocks = parseModelBlocks(`model A {
  id    String @id // the key, see "docs"
  url   String @default("http://example.org/a") // not a comment: "//" inside the string above
  tags  String[]
  b     B? @relation("AB", fields: [bId, bOther], references: [id, other])
  bId   String?
  /// a doc comment
  @@map("a_table")
}`);
    const a = blocks.get('A')!;
    expect([...a.keys()]).toEqual(['id', 'url', 'tags', 'b', 'bId']);
    expect(a.get('id')).toEqual({ list: false, unique: true, fields: [], references: [] });
    expect(a.get('tags')!.list).toBe(true);
    expect(a.get('b')).toEqual({ list: false, unique: false, fields: ['bId', 'bOther'], references: ['id', 'other'] });
  });
});
