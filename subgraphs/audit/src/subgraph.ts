import { defineSubgraph } from '#platform/define.js';
import { createContext } from './context.js';
import { resolvers } from './resolvers/index.js';

/**
 * The audit subgraph: reads of the audit log and its chain status, for audit administrators
 * (等保 three-role separation). No mutations: entries are written through
 * subgraphs/shared/common/audit/writer.ts, purged by `npm run audit:purge`. No seed.
 */
export const audit = defineSubgraph({
  name: 'audit',
  port: 4009,
  access: { defaultRoles: ['audit-admin'] },
  resolvers,
  createContext,
  models: { AuditEntry: 'Entry' },
});
