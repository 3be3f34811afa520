import type { TenderResolvers } from '../__generated__/resolvers-types.js';
import { money } from './money.js';

export const Tender: TenderResolvers = {
  __resolveReference: ({ ocid }, { loaders }) => loaders.tenderByOcid.load(ocid),
  hospital: (t) => ({ code: t.hospitalCode }),
  budget: (t) => money(t.budget, t.currency),
  tenderPeriodStart: (t) => t.tenderStart,
  tenderPeriodEnd: (t) => t.tenderEnd,
  lots: (t, _, { loaders }) => loaders.lotsByOcid.load(t.ocid),
  bids: (t, _, { loaders }) => loaders.bidsByOcid.load(t.ocid),
  awards: (t, _, { loaders }) => loaders.awardsByOcid.load(t.ocid),
  contracts: (t, _, { loaders }) => loaders.contractsByOcid.load(t.ocid),
  committee: (t, _, { loaders }) => loaders.committeeByOcid.load(t.ocid),
  flags: (t, _, { loaders }) => loaders.flagsByRef.load(`Tender:${t.ocid}`),
};
