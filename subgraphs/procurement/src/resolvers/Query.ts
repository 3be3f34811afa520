import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';
import { supplierUsccOf } from '../repository.js';
import { feedRejects, feedRuns } from '../feed-runs.js';
import { ruleCatalogue } from '../flags/catalogue.js';

export const Query: QueryResolvers = {
  tender: (_, { ocid }, { loaders }) => loaders.tenderByOcid.load(ocid),
  tenders: (_, { filter, ...page }, { repo }) => repo.findTenders(filter, parsePage(page)),
  purchaseOrderLines: (_, { filter, ...page }, { repo }) => repo.findPurchases(filter, parsePage(page)),
  procurementFlags: (_, { filter, ...page }, { repo }) => {
    const supplier = supplierUsccOf(filter?.supplierUscc, 'filter.supplierUscc');
    return repo.findFlags({ ...filter, refs: supplier ? [`Supplier:${supplier}`] : null }, parsePage(page));
  },
  procurementRules: (_, { version }) => ruleCatalogue(version ?? null),
  procurementFeedRuns: (_, { kind, ...page }, ctx) => feedRuns(ctx, kind ?? null, page),
  procurementFeedRejects: (_, { runId, ...page }, ctx) => feedRejects(ctx, runId, page),
};
