import type { Prisma } from './__generated__/prisma/client.js';
import type { AuditLogFilter } from './__generated__/resolvers-types.js';
import type { PrismaClient as AuditClient } from './__generated__/prisma/client.js';
import type { Entry } from './__generated__/prisma/client.js';
import { bigintCursor, keysetPage, type Connection, type KeysetOrder, type Page } from '#platform/pagination.js';

type Maybe<T> = T | null | undefined;

/** Newest first by the chain's position, paged as every list of the hub is (#platform/pagination.js). */
const ENTRIES: KeysetOrder = { key: 'seq', direction: 'desc', cursor: bigintCursor };

/** Reads of the audit log: filters → Prisma where-clauses, keyset pagination by seq, newest first. */
export function createRepository(db: AuditClient) {
  return {
    findEntries: (filter: Maybe<AuditLogFilter>, p: Page): Promise<Connection<Entry>> =>
      keysetPage(db.entry, entryWhere(filter), { ...ENTRIES, page: p }),
  };
}

export type Repository = ReturnType<typeof createRepository>;

const date = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export function entryWhere(f: Maybe<AuditLogFilter>): Prisma.EntryWhereInput {
  if (!f) return {};
  return {
    ...(f.from || f.to ? { time: { ...(f.from ? { gte: date(f.from) } : {}), ...(f.to ? { lt: date(f.to) } : {}) } } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
    ...(f.clientId ? { clientId: f.clientId } : {}),
    ...(f.operationName ? { operationName: f.operationName } : {}),
    ...(f.outcome ? { outcome: f.outcome.toLowerCase() } : {}),
    ...(f.hospitalCode ? { hospitals: { has: f.hospitalCode.toUpperCase() } } : {}),
  };
}
