import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './helpers/stack.js';
import { makeDrugCode, makeIdCard, makeUscc } from '#platform/validation/index.js';

let stack: Stack;
const count = async (table: string) =>
  Number((await stack.subgraphs.directory!.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM directory.${table}`)).rows[0]!.n);

const hospitalCode = makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 7 });
const supplierUscc = makeUscc({ registrationDept: '9', category: '1', regionCode: '330502', serial: 8 });

beforeAll(async () => {
  stack = await startStack();
  for (const [code, name] of [
    ['330000', '浙江省'],
    ['330500', '湖州市'],
    ['330502', '吴兴区'],
  ]) {
    const res = await stack.feed('mutation R($i: UpsertRegionInput!) { upsertRegion(input: $i) { code level parent { code } } }', {
      i: { code, name },
    });
    expect(res.body.errors).toBeUndefined();
  }
});
afterAll(() => stack?.stop());

const upsertHospital = (input: Record<string, unknown>) =>
  stack.feed<{ upsertHospital: { code: string; name: string; region: { code: string; parent: { code: string } } } }>(
    'mutation H($i: UpsertHospitalInput!) { upsertHospital(input: $i) { code name region { code parent { code } } } }',
    {
      i: {
        code: hospitalCode,
        name: '吴兴区人民医院',
        level: 'LEVEL_2',
        ownership: 'PUBLIC',
        type: 'GENERAL',
        regionCode: '330502',
        ...input,
      },
    },
  );

describe('upserts through the gateway', () => {
  it('derives region levels and parents from GB/T 2260 codes', async () => {
    const res = await stack.feed<{ region: { level: string; parent: { code: string; parent: { code: string } } } }>(
      '{ region(code: "330502") { level parent { code parent { code } } } }',
    );
    expect(res.body.data!.region).toEqual({ level: 'DISTRICT', parent: { code: '330500', parent: { code: '330000' } } });
  });

  it('creates then updates a hospital by its key', async () => {
    expect((await upsertHospital({})).body.data!.upsertHospital.region.parent.code).toBe('330500');
    const updated = await upsertHospital({ name: '吴兴区第一人民医院' });
    expect(updated.body.data!.upsertHospital.name).toBe('吴兴区第一人民医院');
    expect(await count('hospital')).toBe(1);
  });

  it('stores 身份证号 but returns it masked only', async () => {
    const dept = await stack.feed<{ upsertDepartment: { id: string } }>(
      'mutation D($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { id } }',
      { i: { hospitalCode, name: '心血管内科', specialty: 'cardiology' } },
    );
    const idCard = makeIdCard({ regionCode: '330502', birthDate: '19800214', sequence: 123 });
    const res = await stack.feed<{ upsertStaff: { idCardNumberMasked: string; phoneMasked: string; department: { specialty: string } } }>(
      'mutation S($i: UpsertStaffInput!) { upsertStaff(input: $i) { idCardNumberMasked phoneMasked department { specialty } } }',
      {
        i: {
          hospitalCode,
          departmentId: dept.body.data!.upsertDepartment.id,
          employeeNo: 'E1',
          name: '李明',
          idCardNumber: idCard,
          phone: '13912345678',
          role: 'DOCTOR',
        },
      },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.upsertStaff).toEqual({
      idCardNumberMasked: `330***********${idCard.slice(-4)}`,
      phoneMasked: '139****5678',
      department: { specialty: 'CARDIOLOGY' },
    });
    expect(res.text).not.toContain('19800214');
  });
});

describe('invalid input: BAD_USER_INPUT naming the field, nothing written', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a USCC with a wrong check digit', { code: hospitalCode.slice(0, 17) + (hospitalCode.endsWith('0') ? '1' : '0') }, 'input.code'],
    ['a USCC of the wrong length', { code: '91330502' }, 'input.code'],
    ['a malformed region code', { regionCode: '33050' }, 'input.regionCode'],
    ['a region that does not exist', { regionCode: '330503' }, 'input.regionCode'],
    ['an empty name', { name: '   ' }, 'input.name'],
    ['a negative bed count', { bedCount: -1 }, 'input.bedCount'],
    ['an unknown grade', { grade: '丁' }, 'input.grade'],
  ];
  it.each(cases)('rejects %s', async (_label, input, field) => {
    const before = await count('hospital');
    const code =
      (input.code as string | undefined) ?? makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 900 });
    const res = await upsertHospital({ ...input, code });
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await count('hospital')).toBe(before);
  });

  it('rejects an invalid 身份证号 without echoing it, and writes no staff', async () => {
    const before = await count('staff');
    const bad = makeIdCard({ regionCode: '330502', birthDate: '19800214', sequence: 1 }).slice(0, 17) + '0';
    const res = await stack.feed('mutation S($i: UpsertStaffInput!) { upsertStaff(input: $i) { id } }', {
      i: { hospitalCode, employeeNo: 'E2', name: '王芳', idCardNumber: bad, role: 'NURSE' },
    });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.idCardNumber' });
    expect(res.body.errors?.[0]?.message).not.toContain(bad);
    expect(await count('staff')).toBe(before);
  });

  it('rejects a product whose code does not match its kind, and a missing supplier', async () => {
    const drug = makeDrugCode({
      type: 'X',
      category: 'A10BA',
      nameInitial: 'E',
      nameSerial: 1,
      dosageForm: 'A001',
      specPackage: 1,
      enterprise: 1,
    });
    const mutation = 'mutation P($i: UpsertProductInput!) { upsertProduct(input: $i) { code } }';
    const wrongKind = await stack.feed(mutation, {
      i: { code: drug, name: '二甲双胍片', kind: 'CONSUMABLE', supplierUscc, vbpSelected: true },
    });
    expect(wrongKind.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code' });
    const noSupplier = await stack.feed(mutation, {
      i: { code: drug, name: '二甲双胍片', kind: 'DRUG', supplierUscc, vbpSelected: true, listedPrice: '0.2100' },
    });
    expect(noSupplier.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.supplierUscc' });
    expect(await count('product')).toBe(0);
  });

  it('rejects a wrong variable type with a 400 and a code, not a crash', async () => {
    const res = await stack.feed('mutation H($i: UpsertHospitalInput!) { upsertHospital(input: $i) { code } }', { i: { code: 5 } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a malformed id argument is the caller’s error', async () => {
    const res = await stack.feed('{ department(id: "x") { id } }');
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
