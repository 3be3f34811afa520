import type { Resolvers } from '../__generated__/resolvers-types.js';
import { DateTimeScalar, DecimalScalar } from '#platform/scalars.js';
import { Department } from './Department.js';
import { Hospital } from './Hospital.js';
import { Mutation } from './Mutation.js';
import { Product } from './Product.js';
import { Query } from './Query.js';
import { Region } from './Region.js';
import { Staff } from './Staff.js';
import { Supplier } from './Supplier.js';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Region,
  Hospital,
  Department,
  Staff,
  Supplier,
  Product,
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
};
