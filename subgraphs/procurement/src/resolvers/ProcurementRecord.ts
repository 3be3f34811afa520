import type { ProcurementRecordResolvers } from '../__generated__/resolvers-types.js';

export const ProcurementRecord: ProcurementRecordResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.procurementRecordById.load(id),
  hospital: (record) => ({ code: record.hospitalCode }),
};
