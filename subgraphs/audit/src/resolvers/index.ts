import type { Resolvers } from '../__generated__/resolvers-types.js';
import { DateTimeScalar } from '#platform/scalars.js';
import { AuditEntry } from './AuditEntry.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = {
  Query,
  AuditEntry,
  DateTime: DateTimeScalar,
};
