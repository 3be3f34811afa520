import type { BidResolvers, BidStatus } from '../__generated__/resolvers-types.js';
import { money } from './money.js';

const STATUSES = new Set<BidStatus>(['VALID', 'DISQUALIFIED', 'PENDING', 'WITHDRAWN']);

export const Bid: BidResolvers = {
  __resolveReference: ({ ocid, id }, { loaders }) => loaders.bidByKey.load(`${ocid}/${id}`),
  id: (b) => b.bidId,
  tender: (b, _, { loaders }) => loaders.tenderByOcid.load(b.ocid).then((t) => t!),
  tenderers: (b) => b.tendererUsccs.map((uscc) => ({ uscc })),
  amount: (b) => money(b.amount, b.currency),
  status: (b) => {
    const status = b.status.toUpperCase() as BidStatus;
    return STATUSES.has(status) ? status : 'PENDING';
  },
};
