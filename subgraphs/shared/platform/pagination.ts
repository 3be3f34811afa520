import { badInput } from '#common/errors.js';

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
export function toConnection<T>(
  rows: T[],
  page: Page,
  keyOf: (row: T) => string,
  count: () => Promise<number>,
): Connection<T> {
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

/** What keysetPage needs of a Prisma model delegate. */
export interface PageableDelegate<T, W> {
  findMany(args: object): Promise<T[]>;
  count(args: { where: W }): Promise<number>;
}

/**
 * One page of a Prisma model ordered by a unique `key`: the rows after the cursor (`gt` ascending,
 * `lt` descending), one more than asked, as a connection whose COUNT runs only when asked for.
 * `cursor` turns the decoded `after` into the key's value, throwing BAD_USER_INPUT when it cannot be one.
 */
export async function keysetPage<T, W>(
  delegate: PageableDelegate<T, W>,
  where: W,
  opts: { key: string; keyOf: (row: T) => string; page: Page; direction?: 'asc' | 'desc'; cursor?: (after: string) => unknown },
): Promise<Connection<T>> {
  const { key, page, direction = 'asc' } = opts;
  const after = page.after === null ? null : opts.cursor ? opts.cursor(page.after) : page.after;
  const rows =
    page.first === 0
      ? []
      : await delegate.findMany({
          where: after === null ? where : { AND: [where, { [key]: { [direction === 'asc' ? 'gt' : 'lt']: after } }] },
          orderBy: { [key]: direction },
          take: page.take,
        });
  return toConnection(rows, page, opts.keyOf, () => delegate.count({ where }));
}
