import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { runSeeds } from '#platform/seed/run.js';
import type { SubgraphSeed } from '#platform/seed/types.js';
import { directorySeed } from '../../../directory/src/seed/index.js';
import { createProcurementSeed, EMBEDDED_SIZE, PLANTED_CODES, type ProcurementFacts } from './index.js';

/** The embedded demo's share of the background (`npm start`): every planted case still flagged as planted, every code shown. */
let db: TestDatabase;
const pools: pg.Pool[] = [];
let manifest: ProcurementFacts;
const poolFor = (url: string) => {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const pool = new pg.Pool({ connectionString: u.toString(), max: 4 });
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  db = await createTestDatabase({ subgraphs: ['directory', 'procurement'] });
  const seed = createProcurementSeed({ size: EMBEDDED_SIZE });
  const capturing: SubgraphSeed = {
    tables: seed.tables,
    run: async (ctx) => {
      const result = await seed.run(ctx);
      manifest = ctx.facts.get('procurement') as ProcurementFacts;
      return result;
    },
  };
  await runSeeds(
    [
      { target: { name: 'directory', pool: poolFor(db.urlFor('directory')), method: 'copy' }, seed: directorySeed },
      { target: { name: 'procurement', pool: poolFor(db.urlFor('procurement')), method: 'copy' }, seed: capturing },
    ],
    { scale: 'city', reset: true, progress: false },
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

describe('the embedded demo (40 % of the background)', () => {
  it('flags every planted positive and none of the near misses, every code present', async () => {
    const admin = poolFor(db.adminUrl);
    const { rows } = await admin.query<{ code: string; refs: string[]; subject_key: string }>(
      'SELECT code, refs, subject_key FROM procurement.finding',
    );
    const about = (code: string, ref: string) =>
      rows.some(
        (f) => f.code === code && (f.refs.includes(ref) || (ref.startsWith('Hospital:') && f.subject_key === `buyer:${ref.slice(9)}`)),
      );
    expect(manifest.planted.filter((c) => about(c.code, c.ref) !== (c.expect === 'flag'))).toEqual([]);
    expect(new Set(rows.map((f) => f.code))).toEqual(new Set(PLANTED_CODES));
    const tenders = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM procurement.tender');
    expect(tenders.rows[0]!.n).toBeLessThan(1_500);
  });
});
