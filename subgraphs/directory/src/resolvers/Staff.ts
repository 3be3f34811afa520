import type { StaffResolvers } from '../__generated__/resolvers-types.js';
import { maskIdCard, maskPhone } from '#platform/validation/index.js';

export const Staff: StaffResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.staffById.load(id),
  hospital: async (staff, _, { loaders }) => (await loaders.hospitalByCode.load(staff.hospitalCode))!,
  department: (staff, _, { loaders }) => (staff.departmentId ? loaders.departmentById.load(staff.departmentId) : null),
  // 身份证号 and phone are stored in full but never leave the subgraph unmasked (docs/security.md, "Compliance").
  idCardNumberMasked: (staff) => maskIdCard(staff.idCardNumber),
  phoneMasked: (staff) => (staff.phone ? maskPhone(staff.phone) : null),
};
