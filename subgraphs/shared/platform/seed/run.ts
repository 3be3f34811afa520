import { SingleBar, Presets } from 'cli-progress';
import { ident, bulkLoad, type Cell } from '../db/bulk.js';
import { createRng } from './rng.js';
import type { Scale, SeedTarget, SubgraphSeed } from './types.js';

const CHUNK = 20_000;

export interface SeedRunOptions {
  scale: Scale;
  /** Truncate each seeded subgraph's tables first. */
  reset: boolean;
  /** Show a progress bar on stderr (off for tests and non-TTY output). */
  progress: boolean;
}

/** True when none of the seed's tables has a row — "load the demo city if the database is empty". */
export async function isEmpty(target: SeedTarget, seed: SubgraphSeed): Promise<boolean> {
  for (const table of seed.tables) {
    const { rows } = await target.pool.query(`SELECT EXISTS (SELECT 1 FROM ${ident(target.name)}.${ident(table)}) AS any`);
    if ((rows[0] as { any: boolean }).any) return false;
  }
  return true;
}

/** Run the seeds in order (later ones may use facts from earlier ones); returns row counts per subgraph. */
export async function runSeeds(
  work: { target: SeedTarget; seed: SubgraphSeed; factsOnly?: boolean }[],
  opts: SeedRunOptions,
): Promise<Record<string, Record<string, number>>> {
  const facts = new Map<string, unknown>();
  const bar = opts.progress
    ? new SingleBar({ format: '  {step} [{bar}] {value}/{total} rows', hideCursor: true }, Presets.shades_classic)
    : null;
  const results: Record<string, Record<string, number>> = {};
  try {
    for (const { target, seed, factsOnly } of work) {
      // Already seeded: generated again (deterministic) without loading, for the facts later seeds read.
      if (factsOnly) {
        await seed.run({ scale: opts.scale, rng: createRng(`${target.name}:${opts.scale}`), facts, load: async () => undefined });
        continue;
      }
      if (opts.reset) {
        await target.pool.query(`TRUNCATE ${seed.tables.map((t) => `${ident(target.name)}.${ident(t)}`).join(', ')} CASCADE`);
      }
      results[target.name] = await seed.run({
        scale: opts.scale,
        rng: createRng(`${target.name}:${opts.scale}`),
        facts,
        db: { pool: target.pool, schema: target.name, method: target.method },
        load: async (table: string, columns: string[], rows: Cell[][]) => {
          bar?.start(rows.length, 0, { step: `${target.name}.${table}` });
          for (let i = 0; i < rows.length; i += CHUNK) {
            await bulkLoad(target.pool, { schema: target.name, table, columns }, rows.slice(i, i + CHUNK), target.method);
            bar?.update(Math.min(rows.length, i + CHUNK));
          }
          bar?.stop();
        },
      });
    }
  } finally {
    bar?.stop();
  }
  return results;
}
