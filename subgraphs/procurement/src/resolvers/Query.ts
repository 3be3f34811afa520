import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { assertUuid } from '#platform/ids.js';
import { parsePage } from '#platform/pagination.js';

export const Query: QueryResolvers = {
  procurementRecord: (_, { id }, { loaders }) => loaders.procurementRecordById.load(assertUuid('id', id)),
  procurementRecords: (_, { filter, ...page }, { repo }) => repo.findProcurementRecords(filter, parsePage(page)),
};
