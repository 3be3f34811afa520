import type { Prisma } from './__generated__/prisma/client.js';
import type { PrismaClient as DirectoryClient } from './__generated__/prisma/client.js';
import type { Department, Hospital, Product, Region, Staff, Supplier } from './__generated__/prisma/client.js';
import { keysetPage, uuidCursor, type Connection, type KeysetOrder, type Page, type PageableDelegate } from '#platform/pagination.js';
import { nestedConnections } from '#platform/loaders.js';
import type { Db } from '#platform/db/client.js';
import { onlyUuids } from '#platform/ids.js';
import type { RowScope } from '#platform/access/scope.js';
import type {
  DepartmentFilter,
  HospitalFilter,
  ProductFilter,
  StaffFilter,
  SupplierFilter,
  RegionLevel,
} from './__generated__/resolvers-types.js';

type Maybe<T> = T | null | undefined;
const contains = (text: Maybe<string>) => (text ? { contains: text, mode: 'insensitive' as const } : undefined);

/** Keyset orders by primary key, shared by each model's root list and its nested lists (one cursor pages both). */
const HOSPITALS: KeysetOrder = { key: 'code' };
const DEPARTMENTS: KeysetOrder = { key: 'id', cursor: uuidCursor };
const STAFF: KeysetOrder = { key: 'id', cursor: uuidCursor };
const SUPPLIERS: KeysetOrder = { key: 'uscc' };
const PRODUCTS: KeysetOrder = { key: 'code' };

/**
 * Data access for the directory, and nothing else: filters → Prisma where-clauses, keyset
 * pagination by primary key, batched look-ups for the loaders (one statement per batch). Built per
 * request for the caller's row scope: every read of hospitals, departments and staff — lists, nested
 * lists and look-ups by key alike (`_entities`) — is limited to it. Regions, suppliers and products
 * are reference data, the same for every reader.
 */
export function createRepository(database: Db<DirectoryClient>, scope: RowScope) {
  const db = database.client;
  const inHospitals = hospitalScope(scope);
  const ofHospitals = hospitalChildScope(scope);
  const and = <W>(where: W, scoped: W) => ({ AND: [where, scoped] });
  const page = <T, W>(delegate: PageableDelegate<T, W>, where: W, order: KeysetOrder, p: Page): Promise<Connection<T>> =>
    keysetPage(delegate, where, { ...order, page: p });

  // Nested lists: the page of every parent of a batch in one statement (#platform/loaders.js), with the
  // same where-inputs as the root lists. The parent's own key replaces that key in a filter, as it always has.
  const staffOfHospital = nestedConnections<Staff, Prisma.StaffWhereInput>(database, {
    model: 'Staff',
    ...STAFF,
    parent: (hospitalCode) => ({ hospitalCode }),
  });
  const staffOfDepartment = nestedConnections<Staff, Prisma.StaffWhereInput>(database, {
    model: 'Staff',
    ...STAFF,
    parent: (departmentId) => ({ departmentId }),
  });
  const hospitalsOfRegion = nestedConnections<Hospital, Prisma.HospitalWhereInput>(database, {
    model: 'Hospital',
    ...HOSPITALS,
    parent: (regionCode) => hospitalWhere({ regionCode }),
  });
  const productsOfSupplier = nestedConnections<Product, Prisma.ProductWhereInput>(database, {
    model: 'Product',
    ...PRODUCTS,
    parent: (supplierUscc) => ({ supplierUscc }),
  });

  return {
    findRegionsByCodes: (codes: readonly string[]) => db.region.findMany({ where: { code: { in: [...codes] } } }),
    findRegionsByParents: (codes: readonly string[]) =>
      db.region.findMany({ where: { parentCode: { in: [...codes] } }, orderBy: { code: 'asc' } }),
    findRegions: (parentCode: Maybe<string>, level: Maybe<RegionLevel>): Promise<Region[]> =>
      db.region.findMany({
        where: { ...(parentCode ? { parentCode } : level ? {} : { parentCode: null }), ...(level ? { level } : {}) },
        orderBy: { code: 'asc' },
      }),

    findHospitalsByCodes: (codes: readonly string[]) =>
      db.hospital.findMany({ where: and<Prisma.HospitalWhereInput>({ code: { in: [...codes] } }, inHospitals) }),
    findHospitals: (filter: Maybe<HospitalFilter>, p: Page) =>
      page<Hospital, Prisma.HospitalWhereInput>(db.hospital, and(hospitalWhere(filter), inHospitals), HOSPITALS, p),
    /** Hospitals in a region's subtree. */
    findHospitalsOfRegion: (regionCode: string, filter: Maybe<HospitalFilter>, p: Page) =>
      hospitalsOfRegion.load(regionCode, and(hospitalWhere({ ...filter, regionCode: null }), inHospitals), p),

    findDepartmentsByIds: (ids: readonly string[]) => db.department.findMany({ where: { id: { in: onlyUuids(ids) }, ...ofHospitals } }),
    findDepartmentsByHospitals: (codes: readonly string[]) =>
      db.department.findMany({ where: { hospitalCode: { in: [...codes] } }, orderBy: { name: 'asc' } }),
    findDepartments: (filter: Maybe<DepartmentFilter>, p: Page) =>
      page<Department, Prisma.DepartmentWhereInput>(db.department, and(departmentWhere(filter), ofHospitals), DEPARTMENTS, p),
    countDepartmentsByHospitals: async (codes: readonly string[]) => {
      const rows = await db.department.groupBy({
        by: ['hospitalCode'],
        where: { hospitalCode: { in: [...codes] } },
        _count: { _all: true },
      });
      return new Map(rows.map((r) => [r.hospitalCode, r._count._all]));
    },

    findStaffByIds: (ids: readonly string[]) => db.staff.findMany({ where: { id: { in: onlyUuids(ids) }, ...ofHospitals } }),
    findStaff: (filter: Maybe<StaffFilter>, p: Page) =>
      page<Staff, Prisma.StaffWhereInput>(db.staff, and(staffWhere(filter), ofHospitals), STAFF, p),
    findStaffOfHospital: (hospitalCode: string, filter: Maybe<StaffFilter>, p: Page) =>
      staffOfHospital.load(hospitalCode, and(staffWhere({ ...filter, hospitalCode: null }), ofHospitals), p),
    findStaffOfDepartment: (departmentId: string, filter: Maybe<StaffFilter>, p: Page) =>
      staffOfDepartment.load(departmentId, and(staffWhere({ ...filter, departmentId: null }), ofHospitals), p),
    countStaffByHospitals: async (codes: readonly string[]) => {
      const rows = await db.staff.groupBy({ by: ['hospitalCode'], where: { hospitalCode: { in: [...codes] } }, _count: { _all: true } });
      return new Map(rows.map((r) => [r.hospitalCode, r._count._all]));
    },
    countStaffByDepartments: async (ids: readonly string[]) => {
      const rows = await db.staff.groupBy({
        by: ['departmentId'],
        where: { departmentId: { in: onlyUuids(ids) } },
        _count: { _all: true },
      });
      return new Map(rows.map((r) => [r.departmentId ?? '', r._count._all]));
    },

    findSuppliersByUsccs: (ids: readonly string[]) => db.supplier.findMany({ where: { uscc: { in: [...ids] } } }),
    findSuppliers: (filter: Maybe<SupplierFilter>, p: Page) =>
      page<Supplier, Prisma.SupplierWhereInput>(db.supplier, supplierWhere(filter), SUPPLIERS, p),

    findProductsByCodes: (codes: readonly string[]) => db.product.findMany({ where: { code: { in: [...codes] } } }),
    findProducts: (filter: Maybe<ProductFilter>, p: Page) =>
      page<Product, Prisma.ProductWhereInput>(db.product, productWhere(filter), PRODUCTS, p),
    findProductsOfSupplier: (supplierUscc: string, p: Page) => productsOfSupplier.load(supplierUscc, {}, p),
  };
}

export type Repository = ReturnType<typeof createRepository>;

/** The scope as a where-clause on hospitals; a caller with no business scope matches nothing. */
export function hospitalScope(scope: RowScope): Prisma.HospitalWhereInput {
  if (scope.kind === 'hospital') return { code: scope.hospitalCode };
  if (scope.kind === 'region') return { regionCode: { startsWith: scope.prefix } };
  return { code: { in: [] } };
}

/** The same for rows that belong to a hospital (departments, staff). */
function hospitalChildScope(scope: RowScope): { hospitalCode?: string | { in: string[] }; hospital?: Prisma.HospitalWhereInput } {
  if (scope.kind === 'hospital') return { hospitalCode: scope.hospitalCode };
  if (scope.kind === 'region') return { hospital: hospitalScope(scope) };
  return { hospitalCode: { in: [] } };
}

/**
 * A region's `path` lists its ancestors' 6-digit codes joined by '/'. A 6-digit code can only
 * match a whole segment, so "path contains code" is exactly "in this region's subtree".
 */
export function hospitalWhere(filter: Maybe<HospitalFilter>): Prisma.HospitalWhereInput {
  if (!filter) return {};
  return {
    ...(filter.regionCode ? { region: { path: { contains: filter.regionCode } } } : {}),
    ...(filter.level?.length ? { level: { in: filter.level } } : {}),
    ...(filter.ownership ? { ownership: filter.ownership } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.specialty ? { departments: { some: { specialty: filter.specialty } } } : {}),
    ...(filter.nameContains ? { name: contains(filter.nameContains) } : {}),
  };
}

const departmentWhere = (f: Maybe<DepartmentFilter>): Prisma.DepartmentWhereInput => ({
  ...(f?.hospitalCode ? { hospitalCode: f.hospitalCode } : {}),
  ...(f?.specialty ? { specialty: f.specialty } : {}),
  ...(f?.nameContains ? { name: contains(f.nameContains) } : {}),
});

const staffWhere = (f: Maybe<StaffFilter>): Prisma.StaffWhereInput => ({
  ...(f?.hospitalCode ? { hospitalCode: f.hospitalCode } : {}),
  ...(f?.departmentId ? { departmentId: f.departmentId } : {}),
  ...(f?.role?.length ? { role: { in: f.role } } : {}),
  ...(f?.nameContains ? { name: contains(f.nameContains) } : {}),
});

const supplierWhere = (f: Maybe<SupplierFilter>): Prisma.SupplierWhereInput => ({
  ...(f?.kind ? { kind: f.kind } : {}),
  ...(f?.creditRating ? { creditRating: f.creditRating } : {}),
  ...(f?.nameContains ? { name: contains(f.nameContains) } : {}),
});

const productWhere = (f: Maybe<ProductFilter>): Prisma.ProductWhereInput => ({
  ...(f?.kind ? { kind: f.kind } : {}),
  ...(f?.supplierUscc ? { supplierUscc: f.supplierUscc } : {}),
  ...(typeof f?.vbpSelected === 'boolean' ? { vbpSelected: f.vbpSelected } : {}),
  ...(f?.nameContains ? { name: contains(f.nameContains) } : {}),
});
