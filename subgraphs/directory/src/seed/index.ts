import type { Cell } from '#platform/db/bulk.js';
import type { Rng } from '#platform/seed/rng.js';
import type { SeedContext, SubgraphSeed } from '#platform/seed/types.js';
import { makeConsumableCode, makeDrugCode, makeIdCard, makeUscc } from '#platform/validation/index.js';
import { COMPANY_SUFFIX, COMPANY_WORDS, CONSUMABLES, DRUGS, GIVEN, SPECIALTIES, SURNAMES, TITLES } from './vocabulary.js';
import { PER_CITY, PROVINCE, plan, type CityPlan } from './world.js';

/** Facts handed to later seeds (procurement, visits, …) so they refer to real directory keys. */
export interface DirectoryFacts {
  hospitals: { code: string; regionCode: string; level: string }[];
  suppliers: { uscc: string; kind: string; registeredOn: string }[];
  products: { code: string; kind: string; supplierUscc: string; vbpSelected: boolean; listedPrice: number }[];
  /** A sample of each hospital's staff (leaders, admins and doctors first): evaluation committees, visit receivers. */
  staff: { id: string; hospitalCode: string; departmentId: string; role: string }[];
}

const LEVEL_MIX = [
  ['LEVEL_3', 4],
  ['LEVEL_2', 16],
  ['LEVEL_1', 40],
] as const;
const STAFF_WEIGHT = { LEVEL_3: 2000, LEVEL_2: 700, LEVEL_1: 180 } as const;
const DEPARTMENTS = { LEVEL_3: 30, LEVEL_2: 18, LEVEL_1: 8 } as const;
const ROLE_MIX = [
  ['DOCTOR', 35],
  ['NURSE', 45],
  ['PHARMACIST', 5],
  ['TECHNICIAN', 10],
  ['ADMIN', 4],
  ['LEADER', 1],
] as const;
const SUPPLIER_MIX = [
  ['PHARMA', 45],
  ['CONSUMABLE', 25],
  ['DEVICE', 15],
  ['CONSTRUCTION', 7],
  ['SERVICE', 8],
] as const;
const BIRTH_DAYS = 14_600;
/** Staff per hospital handed to later seeds as facts (enough for committees and receivers, small enough to keep in memory). */
const STAFF_FACTS_PER_HOSPITAL = 40;
/** Registration dates of suppliers: 1995-01-01 plus up to 30 years. */
const REGISTRATION_DAYS = 10_950; // forty years of birth dates, 1960–1999

const personName = (rng: Rng) => rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.6) ? rng.pick(GIVEN) : '');

/** Split `total` over `weights` exactly (largest remainder). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (w / sum) * total);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) if (left-- > 0) out[i]! += 1;
  return out;
}

function birthDate(index: number): string {
  const d = new Date(Date.UTC(1960, 0, 1) + (index % BIRTH_DAYS) * 86_400_000);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

export const directorySeed: SubgraphSeed = {
  tables: ['product', 'supplier', 'staff', 'department', 'hospital', 'region'],
  async run(ctx: SeedContext) {
    const { rng } = ctx;
    const now = new Date();
    const cities = plan(ctx.scale);
    const facts: DirectoryFacts = { hospitals: [], suppliers: [], products: [], staff: [] };

    const regions: Cell[][] = [[PROVINCE.code, PROVINCE.name, 'PROVINCE', null, PROVINCE.code, now, now]];
    for (const city of cities) {
      const cityPath = `${PROVINCE.code}/${city.code}`;
      regions.push([city.code, city.name, 'CITY', PROVINCE.code, cityPath, now, now]);
      for (const d of city.districts) regions.push([d.code, d.name, 'DISTRICT', city.code, `${cityPath}/${d.code}`, now, now]);
    }
    await ctx.load('region', ['code', 'name', 'level', 'parent_code', 'path', 'created_at', 'updated_at'], regions);

    const hospitals: Cell[][] = [];
    const departments: Cell[][] = [];
    const staff: Cell[][] = [];
    let staffIndex = 0;
    cities.forEach((city: CityPlan, c) => {
      const levels = LEVEL_MIX.flatMap(([level, n]) => Array.from({ length: n }, () => level));
      const staffCounts = apportion(
        PER_CITY.staff,
        levels.map((l) => STAFF_WEIGHT[l] * (0.8 + rng.next() * 0.4)),
      );
      levels.forEach((level, h) => {
        const district = city.districts[h % city.districts.length]!;
        const isPublic = level !== 'LEVEL_1' || rng.chance(0.7);
        const code = makeUscc({
          registrationDept: isPublic ? '1' : '5',
          category: '2',
          regionCode: district.code,
          serial: c * 1_000 + h + 1,
        });
        const type =
          level === 'LEVEL_1'
            ? 'PRIMARY'
            : rng.weighted([
                ['GENERAL', 6],
                ['TCM', 2],
                ['MATERNAL_CHILD', 1],
                ['SPECIALIST', 1],
              ] as const);
        const suffix = {
          GENERAL: '人民医院',
          TCM: '中医院',
          MATERNAL_CHILD: '妇幼保健院',
          SPECIALIST: '专科医院',
          PRIMARY: '社区卫生服务中心',
        }[type];
        const name = `${district.name}第${h + 1}${suffix}`;
        const beds = level === 'LEVEL_3' ? rng.int(800, 2500) : level === 'LEVEL_2' ? rng.int(200, 800) : rng.int(20, 150);
        hospitals.push([
          code,
          name,
          level,
          rng.pick(['甲', '乙']),
          isPublic ? 'PUBLIC' : 'PRIVATE',
          type,
          district.code,
          `${city.name}${district.name}某路${h + 1}号`,
          beds,
          now,
          now,
        ]);
        facts.hospitals.push({ code, regionCode: district.code, level });

        const deptIds: string[] = [];
        for (const [spec, deptName] of SPECIALTIES.slice(0, DEPARTMENTS[level])) {
          const id = rng.uuid();
          deptIds.push(id);
          departments.push([id, code, deptName, spec, now, now]);
        }
        for (let s = 0; s < staffCounts[h]!; s++, staffIndex++) {
          const role = rng.weighted(ROLE_MIX);
          const idCard = makeIdCard({
            regionCode: district.code,
            birthDate: birthDate(staffIndex),
            sequence: Math.floor(staffIndex / BIRTH_DAYS) % 1000,
          });
          const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
          const staffId = rng.uuid();
          const departmentId = rng.pick(deptIds);
          if (s < STAFF_FACTS_PER_HOSPITAL) facts.staff.push({ id: staffId, hospitalCode: code, departmentId, role });
          staff.push([
            staffId,
            code,
            departmentId,
            `E${String(s + 1).padStart(5, '0')}`,
            personName(rng),
            idCard,
            phone,
            role,
            rng.pick(TITLES[role]!),
            now,
            now,
          ]);
        }
      });
    });
    await ctx.load(
      'hospital',
      ['code', 'name', 'level', 'grade', 'ownership', 'type', 'region_code', 'address', 'bed_count', 'created_at', 'updated_at'],
      hospitals,
    );
    await ctx.load('department', ['id', 'hospital_code', 'name', 'specialty', 'created_at', 'updated_at'], departments);
    await ctx.load(
      'staff',
      [
        'id',
        'hospital_code',
        'department_id',
        'employee_no',
        'name',
        'id_card_number',
        'phone',
        'role',
        'title',
        'created_at',
        'updated_at',
      ],
      staff,
    );

    const suppliers: Cell[][] = [];
    const supplierCount = PER_CITY.suppliers * cities.length;
    for (let i = 0; i < supplierCount; i++) {
      const kind = rng.weighted(SUPPLIER_MIX);
      const city = cities[i % cities.length]!;
      const district = city.districts[i % city.districts.length]!;
      const uscc = makeUscc({ registrationDept: '9', category: '1', regionCode: district.code, serial: 10_000_000 + i });
      const name = `${city.name.replace(/市$/, '')}${rng.pick(COMPANY_WORDS)}${i + 1}${COMPANY_SUFFIX[kind]}`;
      const registeredOn = new Date(Date.UTC(1995, 0, 1) + rng.int(0, REGISTRATION_DAYS) * 86_400_000).toISOString().slice(0, 10);
      suppliers.push([
        uscc,
        name,
        kind,
        rng.weighted([
          ['A', 50],
          ['B', 35],
          ['C', 12],
          ['D', 3],
        ] as const),
        district.code,
        registeredOn,
        now,
        now,
      ]);
      facts.suppliers.push({ uscc, kind, registeredOn });
    }
    await ctx.load(
      'supplier',
      ['uscc', 'name', 'kind', 'credit_rating', 'region_code', 'registered_on', 'created_at', 'updated_at'],
      suppliers,
    );

    const pharma = facts.suppliers.filter((s) => s.kind === 'PHARMA');
    const devices = facts.suppliers.filter((s) => s.kind === 'CONSUMABLE' || s.kind === 'DEVICE');
    const products: Cell[][] = [];
    const productCount = PER_CITY.products * cities.length;
    for (let i = 0; i < productCount; i++) {
      const isDrug = rng.chance(0.6);
      const supplier = rng.pick(isDrug ? pharma : devices);
      const enterprise = i % 100_000;
      let code: string;
      let name: string;
      if (isDrug) {
        const [atc, initial, drug] = rng.pick(DRUGS);
        code = makeDrugCode({
          type: 'X',
          category: atc,
          nameInitial: initial,
          nameSerial: (i >> 4) % 1000,
          dosageForm: `A${String(i % 1000).padStart(3, '0')}`,
          specPackage: i % 10_000,
          enterprise,
        });
        name = `${drug}片`;
      } else {
        code = makeConsumableCode({
          category: `0${rng.int(1, 9)}1001`,
          genericName: i % 1000,
          material: i % 100,
          feature: (i >> 3) % 1000,
          enterprise,
          specModel: i,
        });
        name = rng.pick(CONSUMABLES);
      }
      const price = isDrug ? rng.int(50, 50_000) / 100 : rng.int(500, 3_000_000) / 100;
      const vbpSelected = rng.chance(0.3);
      products.push([
        code,
        name,
        isDrug ? 'DRUG' : 'CONSUMABLE',
        `规格${(i % 12) + 1}`,
        supplier.uscc,
        vbpSelected,
        price.toFixed(4),
        now,
        now,
      ]);
      facts.products.push({ code, kind: isDrug ? 'DRUG' : 'CONSUMABLE', supplierUscc: supplier.uscc, vbpSelected, listedPrice: price });
    }
    await ctx.load(
      'product',
      ['code', 'name', 'kind', 'specification', 'supplier_uscc', 'vbp_selected', 'listed_price', 'created_at', 'updated_at'],
      products,
    );

    ctx.facts.set('directory', facts);
    return {
      regions: regions.length,
      hospitals: hospitals.length,
      departments: departments.length,
      staff: staff.length,
      suppliers: suppliers.length,
      products: products.length,
    };
  },
};
