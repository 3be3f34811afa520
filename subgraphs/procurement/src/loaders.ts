import DataLoader from 'dataloader';
import { byKey } from '#platform/loaders.js';
import type { ProcurementRecord } from './__generated__/prisma/client.js';
import type { Repository } from './repository.js';

/** One statement per batch: the gateway sends hundreds of references in one `_entities` call. */
export function createLoaders(repo: Repository) {
  return {
    procurementRecordById: new DataLoader<string, ProcurementRecord | null>(
      async (ids) => byKey(ids, await repo.findProcurementRecordsByIds(ids), (r) => r.id),
      { maxBatchSize: 5_000 },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
