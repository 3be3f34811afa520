import type pg from 'pg';
import type { BulkMethod, Cell } from '../db/bulk.js';
import type { Rng } from './rng.js';

export type Scale = 'city' | 'province';

/** What a subgraph's seed module gets: deterministic randomness, a bulk loader into its own schema, progress. */
export interface SeedContext {
  scale: Scale;
  /** Seeded from the subgraph's name: the same scale always yields the same data. */
  rng: Rng;
  load(table: string, columns: string[], rows: Cell[][]): Promise<void>;
  /** Facts one seed hands to the seeds after it (e.g. directory's hospital codes for procurement). */
  facts: Map<string, unknown>;
  /**
   * The subgraph's own database, when the seed is really loading (absent when it only regenerates
   * its facts for later seeds): for work after the load, e.g. computing the findings of what was loaded.
   */
  db?: { pool: pg.Pool; schema: string; method: BulkMethod };
}

/**
 * A subgraph's synthetic-data generator (the volumes of docs/architecture.md, "Scale"). `tables` lists what `reset`
 * truncates, in dependency order; the hub's seed CLI runs seeds in registry order.
 */
export interface SubgraphSeed {
  tables: string[];
  run(ctx: SeedContext): Promise<Record<string, number>>;
}

export interface SeedTarget {
  name: string;
  pool: pg.Pool;
  method: BulkMethod;
}
