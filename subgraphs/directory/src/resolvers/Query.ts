import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';
import { assertUuid } from '#platform/ids.js';

export const Query: QueryResolvers = {
  region: (_, { code }, { loaders }) => loaders.regionByCode.load(code),
  regions: (_, { parentCode, level }, { repo }) => repo.findRegions(parentCode, level),
  hospital: (_, { code }, { loaders }) => loaders.hospitalByCode.load(code.toUpperCase()),
  hospitals: (_, { filter, ...page }, { repo }) => repo.findHospitals(filter, parsePage(page)),
  department: (_, { id }, { loaders }) => loaders.departmentById.load(assertUuid('id', id)),
  departments: (_, { filter, ...page }, { repo }) => repo.findDepartments(filter, parsePage(page)),
  staffMember: (_, { id }, { loaders }) => loaders.staffById.load(assertUuid('id', id)),
  staff: (_, { filter, ...page }, { repo }) => repo.findStaff(filter, parsePage(page)),
  supplier: (_, { uscc }, { loaders }) => loaders.supplierByUscc.load(uscc.toUpperCase()),
  suppliers: (_, { filter, ...page }, { repo }) => repo.findSuppliers(filter, parsePage(page)),
  product: (_, { code }, { loaders }) => loaders.productByCode.load(code.toUpperCase()),
  products: (_, { filter, ...page }, { repo }) => repo.findProducts(filter, parsePage(page)),
};
