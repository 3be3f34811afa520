import type { LotResolvers } from '../__generated__/resolvers-types.js';
import { money } from './money.js';

export const Lot: LotResolvers = {
  id: (l) => l.lotId,
  value: (l) => money(l.value, 'CNY'),
};
