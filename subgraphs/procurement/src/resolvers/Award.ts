import type { AwardResolvers } from '../__generated__/resolvers-types.js';
import { money } from './money.js';

export const Award: AwardResolvers = {
  __resolveReference: ({ ocid, id }, { loaders }) => loaders.awardByKey.load(`${ocid}/${id}`),
  id: (a) => a.awardId,
  tender: (a, _, { loaders }) => loaders.tenderByOcid.load(a.ocid).then((t) => t!),
  suppliers: (a) => a.supplierUsccs.map((uscc) => ({ uscc })),
  value: (a) => money(a.value, a.currency),
  relatedBidIds: (a) => a.relatedBids,
};
