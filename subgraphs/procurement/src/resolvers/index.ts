import type { Resolvers } from '../__generated__/resolvers-types.js';
import { DateTimeScalar, DecimalScalar, JSONScalar } from '#platform/scalars.js';
import { PeriodScalar } from '#platform/period.js';
import { Award } from './Award.js';
import { Bid } from './Bid.js';
import { CommitteeMember, CommitteeSeat } from './CommitteeMember.js';
import { Contract } from './Contract.js';
import { Hospital, HospitalPeriod, Product, Staff, Supplier } from './entities.js';
import { Lot } from './Lot.js';
import { Mutation } from './Mutation.js';
import { ProcurementFlag } from './ProcurementFlag.js';
import { PurchaseOrder } from './PurchaseOrder.js';
import { Query } from './Query.js';
import { Tender } from './Tender.js';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Tender,
  Lot,
  Bid,
  Award,
  Contract,
  CommitteeMember,
  CommitteeSeat,
  PurchaseOrder,
  ProcurementFlag,
  Hospital,
  Supplier,
  Product,
  Staff,
  HospitalPeriod,
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
  JSON: JSONScalar,
  Period: PeriodScalar,
};
