import type { Resolvers } from '../__generated__/resolvers-types.js';
import { DateTimeScalar } from '../../../shared/src/scalars.js';
import { AuditEntry } from './AuditEntry.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = {
  Query, AuditEntry,
  DateTime: DateTimeScalar,
};
