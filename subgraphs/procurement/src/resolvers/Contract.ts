import type { ContractResolvers } from '../__generated__/resolvers-types.js';
import { money } from './money.js';

export const Contract: ContractResolvers = {
  __resolveReference: ({ ocid, id }, { loaders }) => loaders.contractByKey.load(`${ocid}/${id}`),
  id: (c) => c.contractId,
  tender: (c, _, { loaders }) => loaders.tenderByOcid.load(c.ocid).then((t) => t!),
  value: (c) => money(c.value, c.currency),
};
