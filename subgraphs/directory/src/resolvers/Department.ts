import type { DepartmentResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';

export const Department: DepartmentResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.departmentById.load(id),
  hospital: async (department, _, { loaders }) => (await loaders.hospitalByCode.load(department.hospitalCode))!,
  staffCount: (department, _, { loaders }) => loaders.staffCountByDepartment.load(department.id),
  staff: (department, { filter, ...page }, { repo }) => repo.findStaffOfDepartment(department.id, filter, parsePage(page)),
};
