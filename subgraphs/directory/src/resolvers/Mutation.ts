import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  upsertRegion: (_, { input }, { upserts }) => upserts.upsertRegion(input),
  upsertHospital: (_, { input }, { upserts }) => upserts.upsertHospital(input),
  upsertDepartment: (_, { input }, { upserts }) => upserts.upsertDepartment(input),
  upsertStaff: (_, { input }, { upserts }) => upserts.upsertStaff(input),
  upsertSupplier: (_, { input }, { upserts }) => upserts.upsertSupplier(input),
  upsertProduct: (_, { input }, { upserts }) => upserts.upsertProduct(input),
};
