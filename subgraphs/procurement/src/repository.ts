import type {
  Award,
  Bid,
  CommitteeMember,
  Contract,
  Lot,
  Prisma,
  PrismaClient,
  PurchaseOrderLine,
  SupplierSanction,
  Tender,
} from './__generated__/prisma/client.js';
import type { PurchaseFilter, TenderFilter } from './__generated__/resolvers-types.js';
import { scopedRows, type RowScope } from '#platform/access/scope.js';
import type { Db } from '#platform/db/client.js';
import { findingsByIds, findingsByRefs, findingsPage, type FindingFilter } from '#platform/findings/read.js';
import { scopeSql } from '#platform/findings/store.js';
import { onlyUuids } from '#platform/ids.js';
import { nestedConnections } from '#platform/loaders.js';
import { keysetPage, type KeysetOrder, type Page } from '#platform/pagination.js';
import { periodMonths } from '#platform/period.js';
import { assertValid, subtreePrefix, validateRegionCode, validateUscc } from '#platform/validation/index.js';

type Maybe<T> = T | null | undefined;

/** Keyset orders by each table's one-column key, shared by root and nested lists (a cursor of either pages both). */
const TENDERS: KeysetOrder = { key: 'ocid' };
const BIDS: KeysetOrder = { key: 'key' };
const AWARDS: KeysetOrder = { key: 'key' };
const PURCHASES: KeysetOrder = { key: 'key' };

const months = (period: Maybe<string>, field: string) => (period ? periodMonths(field, period) : undefined);
const regionPrefix = (code: Maybe<string>, field: string) =>
  code ? subtreePrefix(assertValid(field, validateRegionCode(code))) : undefined;

/** Filters → where-inputs; every list also gets the caller's row scope. */
export function tenderWhere(f: Maybe<TenderFilter>, flaggedOcids?: string[]): Prisma.TenderWhereInput {
  const inMonths = months(f?.period, 'filter.period');
  const prefix = regionPrefix(f?.regionCode, 'filter.regionCode');
  return {
    ...(f?.hospitalCode ? { hospitalCode: f.hospitalCode.toUpperCase() } : {}),
    ...(prefix ? { regionCode: { startsWith: prefix } } : {}),
    ...(f?.category?.length ? { category: { in: f.category } } : {}),
    ...(f?.method?.length ? { method: { in: f.method } } : {}),
    ...(inMonths ? { month: { in: inMonths } } : {}),
    ...(flaggedOcids ? { ocid: f?.flagged ? { in: flaggedOcids } : { notIn: flaggedOcids } } : {}),
  };
}

export function purchaseWhere(f: Maybe<PurchaseFilter>): Prisma.PurchaseOrderLineWhereInput {
  const inMonths = months(f?.period, 'filter.period');
  const prefix = regionPrefix(f?.regionCode, 'filter.regionCode');
  return {
    ...(f?.hospitalCode ? { hospitalCode: f.hospitalCode.toUpperCase() } : {}),
    ...(prefix ? { regionCode: { startsWith: prefix } } : {}),
    ...(f?.productCode ? { productCode: f.productCode.toUpperCase() } : {}),
    ...(f?.supplierUscc ? { supplierUscc: f.supplierUscc.toUpperCase() } : {}),
    ...(inMonths ? { month: { in: inMonths } } : {}),
    ...(typeof f?.vbpSelected === 'boolean' ? { vbpSelected: f.vbpSelected } : {}),
  };
}

/**
 * Data access only, bound to the caller's row scope: every read of a hospital's rows — lists, nested
 * lists, look-ups by key (`_entities`) and flags — is limited to it. Lots and parties are reached only
 * through their (scoped) tender; sanctions are reference data about suppliers.
 */
export function createRepository(database: Db<PrismaClient>, scope: RowScope) {
  const db = database.client;
  const { pool, schema } = database;
  const inScope = scopedRows(scope);
  const and = <W>(...where: W[]) => ({ AND: where });
  const nested = <T, W extends object>(model: string, order: KeysetOrder, parent: (key: string) => W) =>
    nestedConnections<T, W>(database, { model, ...order, parent });
  const tendersOfHospital = nested<Tender, Prisma.TenderWhereInput>('Tender', TENDERS, (hospitalCode) => ({ hospitalCode }));
  const purchasesOfHospital = nested<PurchaseOrderLine, Prisma.PurchaseOrderLineWhereInput>(
    'PurchaseOrderLine',
    PURCHASES,
    (hospitalCode) => ({
      hospitalCode,
    }),
  );
  const purchasesOfProduct = nested<PurchaseOrderLine, Prisma.PurchaseOrderLineWhereInput>(
    'PurchaseOrderLine',
    PURCHASES,
    (productCode) => ({
      productCode,
    }),
  );
  const bidsOfSupplier = nested<Bid, Prisma.BidWhereInput>('Bid', BIDS, (uscc) => ({ tendererUsccs: { has: uscc } }));
  const awardsOfSupplier = nested<Award, Prisma.AwardWhereInput>('Award', AWARDS, (uscc) => ({ supplierUsccs: { has: uscc } }));
  const ocidsIn = (ocids: readonly string[]) => ({ ocid: { in: [...ocids] } });
  /** Tenders with a flag, for the `flagged` filter (the flags live in the platform's finding table). */
  const flaggedOcids = async (): Promise<string[]> => {
    const params: unknown[] = [];
    const { rows } = await pool.query<{ ocid: string }>(
      `SELECT DISTINCT substr(r, 8) AS ocid FROM "${schema}".finding f, unnest(f.refs) r WHERE r LIKE 'Tender:%' AND ${scopeSql(scope, params, 'f')}`,
      params,
    );
    return rows.map((r) => r.ocid);
  };

  return {
    findTendersByOcids: (ocids: readonly string[]) => db.tender.findMany({ where: { ...ocidsIn(ocids), ...inScope } }),
    findTenders: async (filter: Maybe<TenderFilter>, page: Page) =>
      keysetPage<Tender, Prisma.TenderWhereInput>(
        db.tender,
        and(tenderWhere(filter, typeof filter?.flagged === 'boolean' ? await flaggedOcids() : undefined), inScope),
        { ...TENDERS, page },
      ),
    findTendersOfHospital: async (hospitalCode: string, filter: Maybe<TenderFilter>, page: Page) =>
      tendersOfHospital.load(
        hospitalCode,
        and(
          tenderWhere({ ...filter, hospitalCode: null }, typeof filter?.flagged === 'boolean' ? await flaggedOcids() : undefined),
          inScope,
        ),
        page,
      ),
    findLotsOfTenders: (ocids: readonly string[]): Promise<Lot[]> => db.lot.findMany({ where: ocidsIn(ocids), orderBy: { lotId: 'asc' } }),
    findBidsOfTenders: (ocids: readonly string[]): Promise<Bid[]> =>
      db.bid.findMany({ where: { ...ocidsIn(ocids), ...inScope }, orderBy: { key: 'asc' } }),
    findAwardsOfTenders: (ocids: readonly string[]): Promise<Award[]> =>
      db.award.findMany({ where: { ...ocidsIn(ocids), ...inScope }, orderBy: { key: 'asc' } }),
    findContractsOfTenders: (ocids: readonly string[]): Promise<Contract[]> =>
      db.contract.findMany({ where: { ...ocidsIn(ocids), ...inScope }, orderBy: { contractId: 'asc' } }),
    findCommitteesOfTenders: (ocids: readonly string[]): Promise<CommitteeMember[]> =>
      db.committeeMember.findMany({ where: { ...ocidsIn(ocids), ...inScope }, orderBy: { memberId: 'asc' } }),
    findSeatsOfStaff: (ids: readonly string[]): Promise<CommitteeMember[]> =>
      db.committeeMember.findMany({ where: { staffId: { in: onlyUuids(ids) }, ...inScope }, orderBy: { ocid: 'asc' } }),

    findBidsByKeys: (keys: readonly string[]) => db.bid.findMany({ where: { key: { in: [...keys] }, ...inScope } }),
    findAwardsByKeys: (keys: readonly string[]) => db.award.findMany({ where: { key: { in: [...keys] }, ...inScope } }),
    findContractsByKeys: (keys: readonly { ocid: string; id: string }[]) =>
      db.contract.findMany({ where: { OR: keys.map((k) => ({ ocid: k.ocid, contractId: k.id })), ...inScope } }),
    findBidsOfSupplier: (uscc: string, page: Page) => bidsOfSupplier.load(uscc, inScope, page),
    findAwardsOfSupplier: (uscc: string, page: Page) => awardsOfSupplier.load(uscc, inScope, page),
    findSanctionsOfSuppliers: (usccs: readonly string[]): Promise<SupplierSanction[]> =>
      db.supplierSanction.findMany({ where: { supplierUscc: { in: [...usccs] } }, orderBy: { validFrom: 'asc' } }),

    findPurchasesByKeys: (keys: readonly string[]) => db.purchaseOrderLine.findMany({ where: { key: { in: [...keys] }, ...inScope } }),
    findPurchases: (filter: Maybe<PurchaseFilter>, page: Page) =>
      keysetPage<PurchaseOrderLine, Prisma.PurchaseOrderLineWhereInput>(db.purchaseOrderLine, and(purchaseWhere(filter), inScope), {
        ...PURCHASES,
        page,
      }),
    findPurchasesOfHospital: (hospitalCode: string, filter: Maybe<PurchaseFilter>, page: Page) =>
      purchasesOfHospital.load(hospitalCode, and(purchaseWhere({ ...filter, hospitalCode: null }), inScope), page),
    findPurchasesOfProduct: (productCode: string, page: Page) => purchasesOfProduct.load(productCode, inScope, page),

    findFlags: (filter: FindingFilter, page: Page) => findingsPage(pool, schema, scope, filter, page),
    findFlagsByRefs: (refs: readonly string[]) => findingsByRefs(pool, schema, scope, refs),
    findFlagsByIds: (ids: readonly string[]) => findingsByIds(pool, schema, scope, ids),
  };
}

export type Repository = ReturnType<typeof createRepository>;

export const supplierUsccOf = (value: Maybe<string>, field: string): string | undefined =>
  value ? assertValid(field, validateUscc(value)) : undefined;
