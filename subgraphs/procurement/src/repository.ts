import type { Prisma, PrismaClient, ProcurementRecord } from './__generated__/prisma/client.js';
import type { ProcurementRecordFilter } from './__generated__/resolvers-types.js';
import { scopedRows, type RowScope } from '#platform/access/scope.js';
import type { Db } from '#platform/db/client.js';
import { onlyUuids } from '#platform/ids.js';
import { nestedConnections } from '#platform/loaders.js';
import { keysetPage, uuidCursor, type KeysetOrder, type Page } from '#platform/pagination.js';

type Maybe<T> = T | null | undefined;

/** By id: shared by the root list and the nested lists, so either's cursor pages the other. */
const RECORDS: KeysetOrder = { key: 'id', cursor: uuidCursor };

const recordWhere = (filter: Maybe<ProcurementRecordFilter>): Prisma.ProcurementRecordWhereInput =>
  filter?.hospitalCode ? { hospitalCode: filter.hospitalCode.toUpperCase() } : {};

/** Data access only, bound to the caller's row scope: every read — lists, nested lists and look-ups by key — is limited to it. */
export function createRepository(database: Db<PrismaClient>, scope: RowScope) {
  const db = database.client;
  const inScope: Prisma.ProcurementRecordWhereInput = scopedRows(scope);
  // A hospital's records: the pages of every hospital of a batch in one statement (#platform/loaders.js).
  const recordsOfHospital = nestedConnections<ProcurementRecord, Prisma.ProcurementRecordWhereInput>(database, {
    model: 'ProcurementRecord',
    ...RECORDS,
    parent: (hospitalCode) => ({ hospitalCode }),
  });
  return {
    findProcurementRecordsByIds: (ids: readonly string[]) =>
      db.procurementRecord.findMany({ where: { id: { in: onlyUuids(ids) }, ...inScope } }),
    findProcurementRecords: (filter: Maybe<ProcurementRecordFilter>, page: Page) =>
      keysetPage<ProcurementRecord, Prisma.ProcurementRecordWhereInput>(
        db.procurementRecord,
        { AND: [recordWhere(filter), inScope] },
        { ...RECORDS, page },
      ),
    findProcurementRecordsOfHospital: (hospitalCode: string, page: Page) => recordsOfHospital.load(hospitalCode, inScope, page),
  };
}

export type Repository = ReturnType<typeof createRepository>;
