import { badInput } from '#common/errors.js';
import { isUuid } from '#platform/ids.js';
import { listRejects, listRuns } from '#platform/feed/store.js';
import type { PageArgs } from '#platform/pagination.js';
import type { Context } from './context.js';

const pageInfo = (p: { hasNextPage: boolean; endCursor: string | null }, after: string | null | undefined) => ({
  hasNextPage: p.hasNextPage,
  hasPreviousPage: !!after,
  startCursor: null,
  endCursor: p.endCursor,
});

/** `procurementFeedRuns`: this subgraph's feed runs, newest first (the platform's run store). */
export async function feedRuns(ctx: Context, kind: string | null, page: PageArgs) {
  const runs = await listRuns(ctx.db.pool, ctx.db.schema, { ...page, kind });
  return {
    pageInfo: pageInfo(runs, page.after),
    nodes: runs.runs.map((r) => ({
      ...r,
      id: r.runId,
      finishedAt: r.status === 'RUNNING' ? null : r.finishedAt,
      replayOf: r.replayOf ?? null,
    })),
  };
}

/** `procurementFeedRejects`: a run's rejected records in record order, with line, raw text and reason. */
export async function feedRejects(ctx: Context, runId: string, page: PageArgs) {
  if (!isUuid(runId)) throw badInput('runId', 'runId is not a feed run id');
  const rejects = await listRejects(ctx.db.pool, ctx.db.schema, runId, page);
  return { pageInfo: pageInfo(rejects, page.after), nodes: rejects.rejects };
}
