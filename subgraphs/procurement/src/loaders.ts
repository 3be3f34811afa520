import DataLoader from 'dataloader';
import { batchOptions as options, byKey, groupBy } from '#platform/loaders.js';
import type { FindingRecord } from '#platform/findings/record.js';
import type {
  Award,
  Bid,
  CommitteeMember,
  Contract,
  Lot,
  PurchaseOrderLine,
  SupplierSanction,
  Tender,
} from './__generated__/prisma/client.js';
import type { Repository } from './repository.js';

/** One statement per batch: the gateway sends hundreds of references in one `_entities` call, and every nested list is grouped. */
export function createLoaders(repo: Repository) {
  const grouped = <V>(load: (keys: readonly string[]) => Promise<V[]>, keyOf: (row: V) => string) =>
    new DataLoader<string, V[]>(async (keys) => groupBy(keys, await load(keys), keyOf), options);
  const single = <V>(load: (keys: readonly string[]) => Promise<V[]>, keyOf: (row: V) => string) =>
    new DataLoader<string, V | null>(async (keys) => byKey(keys, await load(keys), keyOf), options);
  return {
    tenderByOcid: single<Tender>(repo.findTendersByOcids, (t) => t.ocid),
    lotsByOcid: grouped<Lot>(repo.findLotsOfTenders, (l) => l.ocid),
    bidsByOcid: grouped<Bid>(repo.findBidsOfTenders, (b) => b.ocid),
    awardsByOcid: grouped<Award>(repo.findAwardsOfTenders, (a) => a.ocid),
    contractsByOcid: grouped<Contract>(repo.findContractsOfTenders, (c) => c.ocid),
    committeeByOcid: grouped<CommitteeMember>(repo.findCommitteesOfTenders, (m) => m.ocid),
    seatsByStaff: grouped<CommitteeMember>(repo.findSeatsOfStaff, (m) => m.staffId ?? ''),
    bidByKey: single<Bid>(repo.findBidsByKeys, (b) => b.key),
    awardByKey: single<Award>(repo.findAwardsByKeys, (a) => a.key),
    contractByKey: new DataLoader<string, Contract | null>(async (keys) => {
      const wanted = keys.map((k) => ({ ocid: k.slice(0, k.lastIndexOf('/')), id: k.slice(k.lastIndexOf('/') + 1) }));
      return byKey(keys, await repo.findContractsByKeys(wanted), (c) => `${c.ocid}/${c.contractId}`);
    }, options),
    purchaseByKey: single<PurchaseOrderLine>(repo.findPurchasesByKeys, (p) => p.key),
    sanctionsByUscc: grouped<SupplierSanction>(repo.findSanctionsOfSuppliers, (s) => s.supplierUscc),
    flagsByRef: new DataLoader<string, FindingRecord[]>(async (refs) => repo.findFlagsByRefs(refs), options),
    flagById: single<FindingRecord>(repo.findFlagsByIds, (f) => f.id),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
