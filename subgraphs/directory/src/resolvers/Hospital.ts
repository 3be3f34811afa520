import type { HospitalResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';

export const Hospital: HospitalResolvers = {
  __resolveReference: ({ code }, { loaders }) => loaders.hospitalByCode.load(code),
  region: async (hospital, _, { loaders }) => (await loaders.regionByCode.load(hospital.regionCode))!,
  departments: (hospital, _, { loaders }) => loaders.departmentsByHospital.load(hospital.code),
  departmentCount: (hospital, _, { loaders }) => loaders.departmentCountByHospital.load(hospital.code),
  staffCount: (hospital, _, { loaders }) => loaders.staffCountByHospital.load(hospital.code),
  staff: (hospital, { filter, ...page }, { repo }) => repo.findStaffOfHospital(hospital.code, filter, parsePage(page)),
};
