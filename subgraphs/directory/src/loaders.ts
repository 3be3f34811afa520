import DataLoader from 'dataloader';
import type { Department, Hospital, Product, Region, Staff, Supplier } from './__generated__/prisma/client.js';
import type { Repository } from './repository.js';

/** Same order and length as the keys; null for a missing key (graphql/dataloader contract). */
const byKey = <K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] => {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
};

const groupBy = <K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] => {
  const map = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key) ?? []);
};

const counts = <K>(keys: readonly K[], rows: Map<K, number>): number[] => keys.map((key) => rows.get(key) ?? 0);

// Batches larger than this are split so one IN (...) list stays reasonable.
const options = { maxBatchSize: 5_000 };

export function createLoaders(repo: Repository) {
  return {
    regionByCode: new DataLoader<string, Region | null>(async (codes) => byKey(codes, await repo.findRegionsByCodes(codes), (r) => r.code), options),
    childRegionsByCode: new DataLoader<string, Region[]>(async (codes) => groupBy(codes, await repo.findRegionsByParents(codes), (r) => r.parentCode ?? ''), options),
    hospitalByCode: new DataLoader<string, Hospital | null>(async (codes) => byKey(codes, await repo.findHospitalsByCodes(codes), (h) => h.code), options),
    departmentById: new DataLoader<string, Department | null>(async (ids) => byKey(ids, await repo.findDepartmentsByIds(ids), (d) => d.id), options),
    departmentsByHospital: new DataLoader<string, Department[]>(async (codes) => groupBy(codes, await repo.findDepartmentsByHospitals(codes), (d) => d.hospitalCode), options),
    departmentCountByHospital: new DataLoader<string, number>(async (codes) => counts(codes, await repo.countDepartmentsByHospitals(codes)), options),
    staffCountByHospital: new DataLoader<string, number>(async (codes) => counts(codes, await repo.countStaffByHospitals(codes)), options),
    staffCountByDepartment: new DataLoader<string, number>(async (ids) => counts(ids, await repo.countStaffByDepartments(ids)), options),
    staffById: new DataLoader<string, Staff | null>(async (ids) => byKey(ids, await repo.findStaffByIds(ids), (s) => s.id), options),
    supplierByUscc: new DataLoader<string, Supplier | null>(async (ids) => byKey(ids, await repo.findSuppliersByUsccs(ids), (s) => s.uscc), options),
    productByCode: new DataLoader<string, Product | null>(async (codes) => byKey(codes, await repo.findProductsByCodes(codes), (p) => p.code), options),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
