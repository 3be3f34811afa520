import { badInput } from '#common/errors.js';
import { isUuid } from './ids.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** A Relay connection. `totalCount` is a thunk so the COUNT runs only when the field is asked for. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Validated page request: `take` is one more than asked so hasNextPage needs no extra query. */
export interface Page {
  first: number;
  take: number;
  after: string | null;
}

export function parsePage(args: PageArgs, field = 'first'): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(field, `${field} must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return { first, take: first + 1, after: args.after ? decodeCursor(args.after) : null };
}

export const encodeCursor = (key: string): string => Buffer.from(`k:${key}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string, field = 'after'): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('k:') || text.length < 3) throw badInput(field, `${field} is not a cursor from this API`);
  return text.slice(2);
}

/** Build the connection from rows fetched with `take = first + 1`, ordered by `keyOf`. */
export function toConnection<T>(rows: T[], page: Page, keyOf: (row: T) => string, count: () => Promise<number>): Connection<T> {
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => (counted ??= count()),
  };
}

/**
 * How a list is paged: by a unique `key` (`gt` after the cursor ascending, `lt` descending), and how
 * a decoded `after` becomes that key's value (`cursor` throws BAD_USER_INPUT when it cannot be one).
 * A model's root list and its nested lists share one, so a cursor of either pages both.
 */
export interface KeysetOrder {
  key: string;
  direction?: 'asc' | 'desc';
  cursor?: (after: string) => unknown;
}

/** A uuid key only takes cursors that hold a uuid (anything else would be a database error). */
export function uuidCursor(after: string): string {
  if (!isUuid(after)) throw badInput('after', 'after is not a cursor from this API');
  return after.toLowerCase();
}

const POSITIVE_BIGINT = /^[1-9]\d{0,18}$/;

/** A positive 64-bit integer key (a sequence number). */
export function bigintCursor(after: string): bigint {
  if (!POSITIVE_BIGINT.test(after)) throw badInput('after', 'after is not a cursor from this API');
  return BigInt(after);
}

/** A key value as cursor text: the same text whether the row came from Prisma or from raw SQL. */
export function keyText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** The cursor's key of a decoded `after`, validated by the order's `cursor`. */
export const afterKey = (order: KeysetOrder, page: Page): unknown =>
  page.after === null ? null : order.cursor ? order.cursor(page.after) : page.after;

/** What keysetPage needs of a Prisma model delegate. */
export interface PageableDelegate<T, W> {
  findMany(args: object): Promise<T[]>;
  count(args: { where: W }): Promise<number>;
}

/**
 * One page of a Prisma model in its keyset order: the rows after the cursor, one more than asked,
 * as a connection whose COUNT runs only when asked for. (Nested lists, many parents at once:
 * nestedConnections in loaders.ts, with the same order.)
 */
export async function keysetPage<T, W>(
  delegate: PageableDelegate<T, W>,
  where: W,
  opts: KeysetOrder & { page: Page; keyOf?: (row: T) => string },
): Promise<Connection<T>> {
  const { key, page, direction = 'asc' } = opts;
  const after = afterKey(opts, page);
  const keyOf = opts.keyOf ?? ((row: T) => keyText((row as Record<string, unknown>)[key]));
  const rows =
    page.first === 0
      ? []
      : await delegate.findMany({
          where: after === null ? where : { AND: [where, { [key]: { [direction === 'asc' ? 'gt' : 'lt']: after } }] },
          orderBy: { [key]: direction },
          take: page.take,
        });
  return toConnection(rows, page, keyOf, () => delegate.count({ where }));
}
