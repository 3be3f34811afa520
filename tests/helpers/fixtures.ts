import type pg from 'pg';
import { bulkLoad } from '#platform/db/bulk.js';
import { makeIdCard, makeUscc } from '#platform/validation/index.js';
import { createRng } from '#platform/seed/rng.js';

export const PROVINCE = '330000';
export const CITY = '330500';
export const DISTRICTS = ['330502', '330503'] as const;
export const OTHER_CITY = '330100';
export const OTHER_DISTRICT = '330102';

/**
 * Directory rows for a test, bulk-loaded into the test's own database: a province with two
 * cities, `hospitals` hospitals (alternating districts and levels) with `departmentsEach`
 * departments and `staffEach` staff each. Every test owns its data (fresh database).
 */
export async function loadDirectory(
  pool: pg.Pool,
  opts: { hospitals: number; departmentsEach?: number; staffEach?: number; seed?: string },
) {
  const rng = createRng(opts.seed ?? 'fixtures');
  const now = new Date();
  const load = (table: string, columns: string[], rows: (string | number | boolean | Date | null)[][]) =>
    bulkLoad(pool, { schema: 'directory', table, columns }, rows, 'copy');
  await load(
    'region',
    ['code', 'name', 'level', 'parent_code', 'path', 'updated_at'],
    [
      [PROVINCE, '浙江省', 'PROVINCE', null, PROVINCE, now],
      [CITY, '湖州市', 'CITY', PROVINCE, `${PROVINCE}/${CITY}`, now],
      [DISTRICTS[0], '吴兴区', 'DISTRICT', CITY, `${PROVINCE}/${CITY}/${DISTRICTS[0]}`, now],
      [DISTRICTS[1], '南浔区', 'DISTRICT', CITY, `${PROVINCE}/${CITY}/${DISTRICTS[1]}`, now],
      [OTHER_CITY, '杭州市', 'CITY', PROVINCE, `${PROVINCE}/${OTHER_CITY}`, now],
      [OTHER_DISTRICT, '上城区', 'DISTRICT', OTHER_CITY, `${PROVINCE}/${OTHER_CITY}/${OTHER_DISTRICT}`, now],
    ],
  );
  const hospitals: { code: string; regionCode: string; level: string; name: string }[] = [];
  const departments: { id: string; hospitalCode: string; specialty: string }[] = [];
  const staff: (string | null | Date)[][] = [];
  const levels = ['LEVEL_3', 'LEVEL_2', 'LEVEL_1'];
  for (let i = 0; i < opts.hospitals; i++) {
    const regionCode = i % 5 === 4 ? OTHER_DISTRICT : DISTRICTS[i % 2]!;
    const code = makeUscc({ registrationDept: '1', category: '2', regionCode, serial: i + 1 });
    hospitals.push({ code, regionCode, level: levels[i % 3]!, name: `测试医院${String(i + 1).padStart(4, '0')}` });
    for (let d = 0; d < (opts.departmentsEach ?? 2); d++) {
      departments.push({
        id: rng.uuid(),
        hospitalCode: code,
        specialty: d % 2 === 0 ? 'CARDIOLOGY' : i % 7 === 0 ? 'ONCOLOGY' : 'PEDIATRICS',
      });
    }
  }
  await load(
    'hospital',
    ['code', 'name', 'level', 'ownership', 'type', 'region_code', 'updated_at'],
    hospitals.map((h) => [h.code, h.name, h.level, 'PUBLIC', 'GENERAL', h.regionCode, now]),
  );
  await load(
    'department',
    ['id', 'hospital_code', 'name', 'specialty', 'updated_at'],
    departments.map((d, i) => [d.id, d.hospitalCode, `科室${i}`, d.specialty, now]),
  );
  let n = 0;
  for (const d of departments) {
    for (let s = 0; s < (opts.staffEach ?? 0); s++, n++) {
      staff.push([
        rng.uuid(),
        d.hospitalCode,
        d.id,
        `E${n}`,
        `张${n}`,
        makeIdCard({
          regionCode: '330502',
          birthDate: `19${String(60 + (n % 40)).padStart(2, '0')}0101`,
          sequence: Math.floor(n / 40) % 1000,
        }),
        '13912345678',
        'DOCTOR',
        now,
      ]);
    }
  }
  await load(
    'staff',
    ['id', 'hospital_code', 'department_id', 'employee_no', 'name', 'id_card_number', 'phone', 'role', 'updated_at'],
    staff,
  );
  return { hospitals, departments, staffCount: staff.length };
}

/** A product of a supplier fixture (the columns tests vary). */
export interface ProductFixture {
  code: string;
  name: string;
  kind: 'DRUG' | 'CONSUMABLE';
  specification?: string | null;
  vbpSelected: boolean;
  listedPrice: string | null;
}

/**
 * `usccs.length` suppliers of `kind` (named 供应商<i>), each with the products `productsOf` gives it,
 * bulk-loaded into the directory. Needs no regions or hospitals.
 */
export async function loadSuppliers(
  pool: pg.Pool,
  usccs: readonly string[],
  kind: string,
  productsOf: (i: number, uscc: string) => ProductFixture[],
) {
  const now = new Date();
  const load = (table: string, columns: string[], rows: (string | number | boolean | Date | null)[][]) =>
    bulkLoad(pool, { schema: 'directory', table, columns }, rows, 'copy');
  await load(
    'supplier',
    ['uscc', 'name', 'kind', 'updated_at'],
    usccs.map((u, i) => [u, `供应商${i}`, kind, now]),
  );
  await load(
    'product',
    ['code', 'name', 'kind', 'specification', 'supplier_uscc', 'vbp_selected', 'listed_price', 'updated_at'],
    usccs.flatMap((u, i) =>
      productsOf(i, u).map((p) => [p.code, p.name, p.kind, p.specification ?? null, u, p.vbpSelected, p.listedPrice, now]),
    ),
  );
}
