import type { SubgraphSeed } from '#platform/seed/types.js';
import type { DirectoryFacts } from '../../../directory/src/seed/index.js';

/** Records per hospital of the seeded world (the directory's facts name the hospitals). */
const PER_HOSPITAL = 5;

/** Synthetic procurementRecords: a few per hospital of the directory's city or province. */
export const procurementRecordSeed: SubgraphSeed = {
  tables: ['record'],
  async run(ctx) {
    const directory = ctx.facts.get('directory') as DirectoryFacts | undefined;
    const rows = (directory?.hospitals ?? []).flatMap((h) =>
      Array.from({ length: PER_HOSPITAL }, (_, i) => [
        ctx.rng.uuid(),
        h.code,
        h.regionCode,
        `记录 ${i + 1}`,
        new Date(Date.UTC(2025, i, 1)),
        new Date(),
      ]),
    );
    await ctx.load('record', ['id', 'hospital_code', 'region_code', 'title', 'recorded_at', 'updated_at'], rows);
    return { record: rows.length };
  },
};
