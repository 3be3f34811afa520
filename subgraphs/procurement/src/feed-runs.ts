import type { Page } from '#platform/pagination.js';
import type { Context } from './context.js';

// Placeholder until the feed platform lands (replaced in this change).
export const feedRuns = (_ctx: Context, _kind: string | null, _page: Page) => ({ nodes: [], pageInfo: emptyPageInfo });
export const feedRejects = (_ctx: Context, _runId: string, _page: Page) => ({ nodes: [], pageInfo: emptyPageInfo });
const emptyPageInfo = { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null };
