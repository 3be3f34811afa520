import type { Prisma } from './__generated__/prisma/client.js';
import type { AuditLogFilter } from './__generated__/resolvers-types.js';
import type { PrismaClient as AuditClient } from './__generated__/prisma/client.js';
import type { Entry } from './__generated__/prisma/client.js';
import { keysetPage, type Connection, type Page } from '#platform/pagination.js';
import { badInput } from '#common/errors.js';

type Maybe<T> = T | null | undefined;
const SEQ = /^[1-9]\d{0,18}$/;

/** Reads of the audit log: filters → Prisma where-clauses, keyset pagination by seq, newest first. */
export function createRepository(db: AuditClient) {
  return {
    findEntries: (filter: Maybe<AuditLogFilter>, p: Page): Promise<Connection<Entry>> =>
      keysetPage(db.entry, entryWhere(filter), { key: 'seq', keyOf: (e) => e.seq.toString(), page: p, direction: 'desc', cursor: seqCursor }),
  };
}

export type Repository = ReturnType<typeof createRepository>;

function seqCursor(after: string): bigint {
  if (!SEQ.test(after)) throw badInput('after', 'after is not a cursor from this API');
  return BigInt(after);
}

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
