import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { recomputeForCaller } from '../flags/recompute.js';

export const Mutation: MutationResolvers = {
  recomputeProcurementFlags: (_, { regionCode, year, version }, ctx) => recomputeForCaller(ctx, { regionCode, year, version }),
};
