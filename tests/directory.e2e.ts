import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './helpers/stack.js';
import { CITY, DISTRICTS, loadDirectory, OTHER_CITY } from './helpers/fixtures.js';
import { probe } from './helpers/probe.js';
import type { GraphQLResponse } from './helpers/graphql.js';
import { makeUscc } from '#platform/validation/index.js';

let stack: Stack;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
const statements = () => stack.subgraphs.directory!.db.stats.statements;

beforeAll(async () => {
  stack = await startStack({ extra: [probe] });
  fixture = await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 500, departmentsEach: 3, staffEach: 1 });
});
afterAll(() => stack?.stop());

describe('entity resolution through the gateway', () => {
  it('resolves Hospital references from another subgraph via the directory', async () => {
    const codes = fixture.hospitals.slice(0, 3).map((h) => h.code);
    const res = await stack.query<{ watchlist: { code: string; name: string; region: { code: string } }[] }>(
      'query W($codes: [ID!]!) { watchlist(codes: $codes) { code name region { code } } }',
      { codes },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.watchlist.map((h) => h.code)).toEqual(codes);
    expect(res.body.data!.watchlist[0]!.name).toBe(fixture.hospitals[0]!.name);
    expect(res.body.data!.watchlist[0]!.region.code).toBe(fixture.hospitals[0]!.regionCode);
  });

  it('resolves an unknown reference to null without failing the others', async () => {
    const unknown = makeUscc({ registrationDept: '1', category: '2', regionCode: '330502', serial: 99_999 });
    const res = await stack.query<{ watchlist: ({ name: string } | null)[] }>(
      'query W($codes: [ID!]!) { watchlist(codes: $codes) { name } }',
      { codes: [fixture.hospitals[0]!.code, unknown] },
    );
    expect(res.body.data!.watchlist).toEqual([{ name: fixture.hospitals[0]!.name }, null]);
  });
});

describe('batching', () => {
  it('500 hospitals with their departments and counts: a bounded number of statements', async () => {
    const codes = fixture.hospitals.map((h) => h.code);
    const before = statements();
    const res = await stack.query<{
      watchlist: { code: string; departments: { id: string }[]; staffCount: number; departmentCount: number }[];
    }>(
      'query W($codes: [ID!]!) { watchlist(codes: $codes) { code name level departments { id name specialty } staffCount departmentCount } }',
      { codes },
      {},
    );
    const used = statements() - before;
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.watchlist).toHaveLength(500);
    expect(res.body.data!.watchlist.every((h) => h.departments.length === 3 && h.departmentCount === 3 && h.staffCount === 3)).toBe(true);
    // hospitals, departments, staff counts, department counts — one statement each, not one per hospital.
    expect(used).toBeLessThanOrEqual(4);
  });

  it('the same through a root connection of the directory itself', async () => {
    const before = statements();
    const res = await stack.query<{ hospitals: { nodes: { departments: unknown[] }[] } }>(
      '{ hospitals(first: 500) { nodes { code departments { id } staffCount region { name } } } }',
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.hospitals.nodes).toHaveLength(500);
    expect(statements() - before).toBeLessThanOrEqual(4);
  });

  it('500 hospitals with their first 2 staff each and the counts: at most 3 statements, each hospital its own staff', async () => {
    const before = statements();
    const res = await stack.query<{
      hospitals: { nodes: { code: string; staff: { totalCount: number; nodes: { id: string; name: string }[] } }[] };
    }>('{ hospitals(first: 500) { nodes { code staff(first: 2) { totalCount nodes { id name } } } } }');
    const used = statements() - before;
    expect(res.body.errors).toBeUndefined();
    // the hospitals, every hospital's first page of staff, every hospital's count — not one per hospital
    expect(used).toBeLessThanOrEqual(3);
    const rows = (
      await stack.subgraphs.directory!.db.pool.query<{ hospital_code: string; id: string }>(
        'SELECT hospital_code, id FROM directory.staff ORDER BY hospital_code, id',
      )
    ).rows;
    const own = new Map<string, string[]>();
    for (const r of rows) own.set(r.hospital_code, [...(own.get(r.hospital_code) ?? []), r.id]);
    const nodes = res.body.data!.hospitals.nodes;
    expect(nodes).toHaveLength(500);
    for (const h of nodes) {
      expect(h.staff.totalCount).toBe(3);
      expect(h.staff.nodes.map((s) => s.id)).toEqual(own.get(h.code)!.slice(0, 2));
    }
  });
});

describe('filters and pagination', () => {
  it('region subtree: a city includes its districts, and nothing of another city', async () => {
    const res = await stack.query<{ hospitals: { totalCount: number; nodes: { region: { code: string } }[] } }>(
      `{ hospitals(filter: { regionCode: "${CITY}" }, first: 500) { totalCount nodes { region { code } } } }`,
    );
    const expected = fixture.hospitals.filter((h) => DISTRICTS.includes(h.regionCode as (typeof DISTRICTS)[number])).length;
    expect(res.body.data!.hospitals.totalCount).toBe(expected);
    expect(res.body.data!.hospitals.nodes.every((h) => DISTRICTS.includes(h.region.code as (typeof DISTRICTS)[number]))).toBe(true);
    const other = await stack.query<{ hospitals: { totalCount: number } }>(
      `{ hospitals(filter: { regionCode: "${OTHER_CITY}" }) { totalCount } }`,
    );
    expect(other.body.data!.hospitals.totalCount).toBe(fixture.hospitals.length - expected);
  });

  it('level, specialty and name search combine', async () => {
    const res = await stack.query<{ hospitals: { totalCount: number } }>(
      '{ hospitals(filter: { level: [LEVEL_3], specialty: "ONCOLOGY", nameContains: "测试医院00" }) { totalCount } }',
    );
    const expected = fixture.hospitals.filter((h, i) => h.level === 'LEVEL_3' && i % 7 === 0 && h.name.includes('测试医院00')).length;
    expect(expected).toBeGreaterThan(0);
    expect(res.body.data!.hospitals.totalCount).toBe(expected);
  });

  it('walks every page with cursors, no duplicates, no gaps', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      type Page = {
        hospitals: { edges: { cursor: string; node: { code: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      };
      const res: GraphQLResponse<Page> = await stack.query<Page>(
        'query P($after: String) { hospitals(first: 120, after: $after) { edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const page: Page['hospitals'] = res.body.data!.hospitals;
      seen.push(...page.edges.map((e) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(500);
    expect(new Set(seen).size).toBe(500);
    expect(seen).toEqual([...seen].sort());
  });

  it('rejects a bad cursor and an oversized page with BAD_USER_INPUT naming the argument', async () => {
    const bad = await stack.query('{ hospitals(after: "not-a-cursor") { totalCount } }');
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big = await stack.query('{ departments(first: 501) { totalCount } }');
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
