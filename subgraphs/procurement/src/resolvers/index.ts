import type { Resolvers } from '../__generated__/resolvers-types.js';
import { DateTimeScalar } from '#platform/scalars.js';
import { ProcurementRecord } from './ProcurementRecord.js';
import { Hospital } from './Hospital.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, ProcurementRecord, Hospital, DateTime: DateTimeScalar };
