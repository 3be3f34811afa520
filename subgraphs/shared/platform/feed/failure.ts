import type { FeedError } from './types.js';

/**
 * What stops a whole run (rather than rejecting one record): a CSV header without a required column,
 * the body limit, a peer subgraph that cannot be reached. runFeed records it as the run's error.
 */
export class FeedFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'FeedFailure';
  }

  toFeedError(): FeedError {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/** Any error as the run's error: a FeedFailure as it is, a PostgreSQL error with its SQLSTATE, anything else as FEED_FAILED. */
export function feedErrorOf(err: unknown): FeedError {
  if (err instanceof FeedFailure) return err.toFeedError();
  if (err instanceof Error) {
    const sqlState = (err as { code?: unknown }).code;
    if (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState))
      return { code: 'DATABASE_ERROR', message: `${err.message} (SQLSTATE ${sqlState})` };
    return { code: 'FEED_FAILED', message: err.message };
  }
  return { code: 'FEED_FAILED', message: String(err) };
}
