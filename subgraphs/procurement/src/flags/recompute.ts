import type { Context } from '../context.js';

// Placeholder until the rules land (replaced in this change).
export const recomputeForCaller = (_ctx: Context, _args: { regionCode?: string | null; year: number; version?: string | null }) => {
  throw new Error('not yet');
};
