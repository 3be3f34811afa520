import { businessRoles } from '#common/identity.js';
import { defineSubgraph } from '#platform/define.js';
import { createContext } from './context.js';
import { resolvers } from './resolvers/index.js';
import { procurementSeed } from './seed/index.js';
import { procurementFeeds } from './feeds/index.js';

/**
 * Procurement: tenders, bids, awards, contracts and purchase orders from the provincial platform,
 * and the red flags on them. Business readers only; committee members narrow it further in the SDL.
 */
export const procurement = defineSubgraph({
  name: 'procurement',
  port: 4002,
  access: { defaultRoles: businessRoles },
  resolvers,
  createContext,
  seed: procurementSeed,
  findings: true,
  feeds: procurementFeeds,
  models: {
    PurchaseOrder: 'PurchaseOrderLine',
    CommitteeSeat: 'CommitteeMember',
    ProcurementFlag: '../../../shared/platform/findings/record.js#FindingRecord',
  },
});
