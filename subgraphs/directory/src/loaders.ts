import DataLoader from 'dataloader';
import { batchOptions as options, byKey, counts, groupBy } from '#platform/loaders.js';
import type { Department, Hospital, Product, Region, Staff, Supplier } from './__generated__/prisma/client.js';
import type { Repository } from './repository.js';

export function createLoaders(repo: Repository) {
  return {
    regionByCode: new DataLoader<string, Region | null>(
      async (codes) => byKey(codes, await repo.findRegionsByCodes(codes), (r) => r.code),
      options,
    ),
    childRegionsByCode: new DataLoader<string, Region[]>(
      async (codes) => groupBy(codes, await repo.findRegionsByParents(codes), (r) => r.parentCode ?? ''),
      options,
    ),
    hospitalByCode: new DataLoader<string, Hospital | null>(
      async (codes) => byKey(codes, await repo.findHospitalsByCodes(codes), (h) => h.code),
      options,
    ),
    departmentById: new DataLoader<string, Department | null>(
      async (ids) => byKey(ids, await repo.findDepartmentsByIds(ids), (d) => d.id),
      options,
    ),
    departmentsByHospital: new DataLoader<string, Department[]>(
      async (codes) => groupBy(codes, await repo.findDepartmentsByHospitals(codes), (d) => d.hospitalCode),
      options,
    ),
    departmentCountByHospital: new DataLoader<string, number>(
      async (codes) => counts(codes, await repo.countDepartmentsByHospitals(codes)),
      options,
    ),
    staffCountByHospital: new DataLoader<string, number>(async (codes) => counts(codes, await repo.countStaffByHospitals(codes)), options),
    staffCountByDepartment: new DataLoader<string, number>(async (ids) => counts(ids, await repo.countStaffByDepartments(ids)), options),
    staffById: new DataLoader<string, Staff | null>(async (ids) => byKey(ids, await repo.findStaffByIds(ids), (s) => s.id), options),
    supplierByUscc: new DataLoader<string, Supplier | null>(
      async (ids) => byKey(ids, await repo.findSuppliersByUsccs(ids), (s) => s.uscc),
      options,
    ),
    productByCode: new DataLoader<string, Product | null>(
      async (codes) => byKey(codes, await repo.findProductsByCodes(codes), (p) => p.code),
      options,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
