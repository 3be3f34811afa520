import type { Cell } from '#platform/db/bulk.js';
import type { FeedKind, FeedRunContext } from '#platform/feed/types.js';
import { monthOf } from '#platform/period.js';
import { cityCodeOf as cityOf } from '#platform/validation/index.js';
import { recomputeFlags } from '../flags/recompute.js';

/** A city and year whose flags a run's rows can change (`330500|2025`). */
type Touch = string;
/** A scalar cell as text (dates as ISO 8601). */
const text = (cell: Cell): string =>
  cell instanceof Date ? cell.toISOString() : typeof cell === 'string' || typeof cell === 'number' ? String(cell) : '';

/** What a row of each kind's first table touches; sanctions name suppliers, whose cities are looked up after the run. */
const TOUCHES: Record<string, (row: Cell[], column: (name: string) => Cell) => { touches?: Touch[]; suppliers?: string[] }> = {
  // A release may complete a process published the year before (an award in January): both years.
  ocds: (_row, column) => {
    const cell = column('directory');
    const directory = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { hospital?: { regionCode?: string } } | null;
    const region = directory?.hospital?.regionCode;
    const year = Number(monthOf(new Date(text(column('date')))).slice(0, 4));
    return region ? { touches: [`${cityOf(region)}|${year}`, `${cityOf(region)}|${year - 1}`] } : {};
  },
  orders: (_row, column) => ({ touches: [`${cityOf(text(column('region_code')))}|${text(column('month')).slice(0, 4)}`] }),
  agreements: (_row, column) => ({ touches: [`${cityOf(text(column('region_code')))}|${text(column('year'))}`] }),
  sanctions: (_row, column) => ({ suppliers: [text(column('supplier_uscc'))] }),
};

/** Cities and years where a supplier was awarded or sold: a sanction can flag those. */
async function citiesOfSuppliers(ctx: FeedRunContext, usccs: string[]): Promise<Touch[]> {
  const s = `"${ctx.schema}"`;
  const { rows } = await ctx.pool.query<{ t: string }>(
    `SELECT DISTINCT substr(region_code, 1, 4) || '00|' || substr(month, 1, 4) AS t FROM ${s}.award WHERE supplier_usccs && $1::text[]
     UNION SELECT DISTINCT substr(region_code, 1, 4) || '00|' || substr(month, 1, 4) FROM ${s}.purchase_order_line WHERE supplier_uscc = ANY($1::text[])`,
    [usccs],
  );
  return rows.map((r) => r.t);
}

/**
 * A procurement feed that keeps the red flags current: its prepared rows say which cities and years
 * they touch, and after the run those city-years are recomputed (idempotent, so a re-run of the same
 * file changes no flag). Kept per run id, so concurrent runs do not mix.
 */
export function withFlags(kind: FeedKind): FeedKind {
  const touchesOf = TOUCHES[kind.kind];
  if (!touchesOf) return kind;
  const table = kind.tables[0]!;
  const perRun = new Map<string, { touches: Set<Touch>; suppliers: Set<string> }>();
  return {
    ...kind,
    async prepare(records, ctx, batch) {
      const prepared = await kind.prepare(records, ctx, batch);
      let seen = perRun.get(ctx.runId);
      if (!seen) perRun.set(ctx.runId, (seen = { touches: new Set(), suppliers: new Set() }));
      for (const p of prepared) {
        const row = p.ok ? p.rows[table.name] : undefined;
        if (!row) continue;
        const found = touchesOf(row, (name) => row[table.columns.indexOf(name)] ?? null);
        for (const t of found.touches ?? []) seen.touches.add(t);
        for (const u of found.suppliers ?? []) seen.suppliers.add(u);
      }
      return prepared;
    },
    async afterRun(ctx) {
      await kind.afterRun?.(ctx);
      const seen = perRun.get(ctx.runId);
      perRun.delete(ctx.runId);
      if (!seen) return;
      const touches = new Set([...seen.touches, ...(seen.suppliers.size ? await citiesOfSuppliers(ctx, [...seen.suppliers]) : [])]);
      for (const t of [...touches].sort()) {
        const [regionCode, year] = t.split('|');
        await recomputeFlags(ctx, { regionCode: regionCode!, year: Number(year) });
      }
    },
  };
}
