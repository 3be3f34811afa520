import type { ProcurementFlagResolvers } from '../__generated__/resolvers-types.js';
import { refsOfType } from '#platform/findings/record.js';
import { ruleTitle } from '../flags/catalogue.js';

const first = (refs: string[], type: string) => refsOfType(refs, type)[0];

export const ProcurementFlag: ProcurementFlagResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.flagById.load(id),
  hospital: (f) => ({ code: f.hospitalCode }),
  period: (f) => f.month,
  evidence: (f) => f.evidence,
  title: (f) => ruleTitle(f.code),
  tender: (f, _, { loaders }) => {
    const ocid = first(f.refs, 'Tender');
    return ocid ? loaders.tenderByOcid.load(ocid) : null;
  },
  supplier: (f) => {
    const uscc = first(f.refs, 'Supplier');
    return uscc ? { uscc } : null;
  },
  purchase: (f, _, { loaders }) => {
    const key = first(f.refs, 'PurchaseOrderLine');
    return key ? loaders.purchaseByKey.load(key) : null;
  },
};
