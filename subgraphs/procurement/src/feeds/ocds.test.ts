// The ocds kind's prepare and afterMerge on real PostgreSQL (the procurement schema, migrated), with the
// directory as an in-memory test double. The ocds_release rows are merged here by the runner's own merge
// (feed/merge.ts); the lead's e2e tests run the whole feed against the real directory.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cell } from '#platform/db/bulk.js';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { mergeRows } from '#platform/feed/merge.js';
import { runFeed } from '#platform/feed/run.js';
import type { Prepared, SourceRecord } from '#platform/feed/types.js';
import { awardRelease, contractRelease, HOSPITAL, setAt, STAFF_ID, SUPPLIER_A, SUPPLIER_B, tenderRelease } from '../ocds/test-releases.js';
import { ocdsFeed } from './ocds.js';
import { MemoryDirectory, runContext } from './test-peers.js';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['procurement'] });
  const url = new URL(database.urlFor('procurement'));
  url.searchParams.delete('schema');
  pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});
beforeEach(async () => {
  await pool.query(
    'TRUNCATE procurement.ocds_release, procurement.tender, procurement.bid, procurement.award, procurement.lot, procurement.contract, procurement.party, procurement.committee_member',
  );
});

const directory = () =>
  new MemoryDirectory({
    Hospital: { [HOSPITAL]: { code: HOSPITAL, region: { code: '330100' } } },
    Supplier: { [SUPPLIER_A]: { uscc: SUPPLIER_A, registeredOn: '2024-09-01' }, [SUPPLIER_B]: { uscc: SUPPLIER_B, registeredOn: null } },
    Staff: { [STAFF_ID]: { id: STAFF_ID, hospital: { code: HOSPITAL } } },
  });

const records = (...values: unknown[]): SourceRecord[] =>
  values.map((value, i) => ({ recordNo: i + 1, line: i + 1, raw: JSON.stringify(value), value }));
const prepare = (values: unknown[], peers = directory(), settings: Record<string, unknown> = {}) =>
  ocdsFeed.prepare(records(...values), runContext(peers, { pool, settings }));
const errorOf = (r: Prepared | undefined) => (r && !r.ok ? { code: r.error.code, field: r.error.field } : undefined);
const releaseRow = (r: Prepared | undefined): Cell[] => {
  if (!r?.ok) throw new Error(`rejected: ${r?.ok === false ? r.error.message : 'nothing'}`);
  return r.rows['ocds_release']!;
};

/** The runner's merge of the first table (feed/merge.ts): upsert the release rows; returns the changed keys. */
async function store(prepared: Prepared[]): Promise<string[][]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { changedKeys } = await mergeRows(client, 'procurement', ocdsFeed.tables[0]!, prepared.map(releaseRow), 'copy');
    await client.query('COMMIT');
    return changedKeys;
  } finally {
    client.release();
  }
}

async function* streamOf(text: string) {
  yield text;
}

const feed = async (values: unknown[], peers = directory()) => {
  const changed = await store(await prepare(values, peers));
  await ocdsFeed.afterMerge!(changed, runContext(peers, { pool }));
  return changed;
};

const tables = async (ocid: string) => {
  const q = async (sql: string) => (await pool.query(sql, [ocid])).rows as Record<string, unknown>[];
  return {
    tender: await q(
      'SELECT ocid, hospital_code, region_code, title, category, method, status, budget::text, month, award_date, release_date FROM procurement.tender WHERE ocid = $1',
    ),
    bid: await q(
      'SELECT bid_id, tenderer_usccs, amount::text, status, disqualify_reason, region_code FROM procurement.bid WHERE ocid = $1 ORDER BY bid_id',
    ),
    award: await q(
      'SELECT award_id, supplier_usccs, value::text, status, related_bids, supplier_registered_on::text, month FROM procurement.award WHERE ocid = $1',
    ),
    contract: await q('SELECT contract_id, award_id, value::text, amendments FROM procurement.contract WHERE ocid = $1'),
    committee: await q(
      'SELECT member_id, staff_id::text, expert_name FROM procurement.committee_member WHERE ocid = $1 ORDER BY member_id',
    ),
    party: await q('SELECT party_id, uscc, roles FROM procurement.party WHERE ocid = $1 ORDER BY party_id'),
    lot: await q('SELECT lot_id, value::text FROM procurement.lot WHERE ocid = $1'),
  };
};

describe('ocds prepare', () => {
  it('refuses an unknown codelist value, a USCC check-digit failure, a foreign currency without a rate', async () => {
    const results = await prepare([
      setAt(tenderRelease('o1'), 'tender.procurementMethod', 'restricted'),
      setAt(tenderRelease('o2'), 'parties[1].identifier.id', '91330100000000115G'),
      setAt(tenderRelease('o3'), 'tender.value.currency', 'USD'),
    ]);
    expect(results.map(errorOf)).toEqual([
      { code: 'CODELIST', field: 'tender.procurementMethod' },
      { code: 'USCC', field: 'parties[1].identifier.id' },
      { code: 'CURRENCY', field: 'tender.value.currency' },
    ]);
  });

  it('converts a foreign currency with a configured rate, keeping the original', async () => {
    const [r] = await prepare([setAt(tenderRelease('o1'), 'tender.value', { amount: 100, currency: 'USD' })], directory(), {
      currencyRates: { USD: 7.1 },
    });
    const body = JSON.parse(releaseRow(r)[4] as string) as { tender: { value: unknown } };
    expect(body.tender.value).toEqual({ amount: 710, currency: 'CNY', original: { amount: 100, currency: 'USD', rate: 7.1 } });
  });

  it('refuses a release for an unknown hospital, supplier or staff member, with the field path', async () => {
    const stranger = '12330100000000027' + '6';
    const results = await prepare([
      setAt(tenderRelease('o1'), 'parties[0].identifier.id', stranger),
      setAt(tenderRelease('o2'), 'parties[2].identifier.id', '91330100000000131' + '5'),
      setAt(tenderRelease('o3'), 'tender.evaluationCommittee[0].staffId', '00000000-0000-4000-8000-000000000000'),
      setAt(tenderRelease('o4'), 'buyer', null),
    ]);
    expect(results.map(errorOf)).toEqual([
      { code: 'UNKNOWN_HOSPITAL', field: 'buyer' },
      { code: 'UNKNOWN_SUPPLIER', field: 'bids.details[1].tenderers[0]' },
      { code: 'UNKNOWN_STAFF', field: 'tender.evaluationCommittee[0].staffId' },
      undefined, // the party with the role buyer identifies the hospital
    ]);
  });

  it('asks the directory once per typename for the whole batch', async () => {
    const peers = directory();
    const results = await prepare(
      [tenderRelease('o1'), tenderRelease('o2'), awardRelease('o1'), setAt(tenderRelease('o3'), 'tag', ['bogus'])],
      peers,
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(peers.calls.map((c) => [c.subgraph, c.typename, c.keys.length, c.selection])).toEqual([
      ['directory', 'Hospital', 1, 'code region { code }'],
      ['directory', 'Supplier', 2, 'uscc registeredOn'],
      ['directory', 'Staff', 1, 'id hospital { code }'],
    ]);
  });

  it('prepares a duplicate release into the identical row, so the merge reports it unchanged', async () => {
    const [first] = await prepare([tenderRelease('o1')]);
    expect(await store([first!])).toEqual([['o1', 'o1-tender']]);
    const [again] = await prepare([tenderRelease('o1')]);
    expect(releaseRow(again).slice(0, 6)).toEqual(releaseRow(first).slice(0, 6));
    expect(await store([again!])).toEqual([]);
  });

  it('stores a release as received unless validation changed it, and counts a re-send with other spacing unchanged', async () => {
    const release = tenderRelease('o1');
    const compact = JSON.stringify(release);
    const asSent = (raw: string): SourceRecord[] => [{ recordNo: 1, line: 1, raw, value: JSON.parse(raw) as unknown }];
    const feedText = async (raw: string, settings: Record<string, unknown> = {}) =>
      store(await ocdsFeed.prepare(asSent(raw), runContext(directory(), { pool, settings })));
    expect(await feedText(compact)).toEqual([['o1', 'o1-tender']]);
    expect(await feedText(JSON.stringify(release, null, 2))).toEqual([]);
    const stored = async () =>
      (await pool.query<{ body: string }>(`SELECT body::text AS body FROM procurement.ocds_release WHERE ocid = 'o1'`)).rows[0]!.body;
    expect(await stored()).toBe(compact);
    // a converted amount is no longer the text received: the stored body is the converted release
    const foreign = JSON.stringify(setAt(release, 'tender.value', { amount: 100, currency: 'USD' }));
    expect(await feedText(foreign, { currencyRates: { USD: 7.1 } })).toEqual([['o1', 'o1-tender']]);
    expect(JSON.parse(await stored())).toMatchObject({ tender: { value: { amount: 710, currency: 'CNY' } } });
  });

  it('accepts an update without buyer or parties when an earlier release of the process identified them', async () => {
    await store(await prepare([tenderRelease('o1')]));
    const update = {
      ocid: 'o1',
      id: 'o1-upd',
      date: '2025-03-05T09:00:00+08:00',
      tag: ['tenderUpdate'],
      tender: { id: 't1', title: 'CT 设备采购（更正）' },
    };
    expect((await prepare([update])).map(errorOf)).toEqual([undefined]);
    expect((await prepare([{ ...update, ocid: 'o-new' }])).map(errorOf)).toEqual([{ code: 'UNKNOWN_HOSPITAL', field: 'buyer' }]);
  });

  it('does not compile a release with a refused earlier release of the same batch', async () => {
    const refused = setAt(tenderRelease('o1'), 'parties[2].identifier.id', '91330100000000131' + '5');
    const update = {
      ocid: 'o1',
      id: 'o1-upd',
      date: '2025-03-05T09:00:00+08:00',
      tag: ['tenderUpdate'],
      tender: { id: 't1', title: '更正' },
    };
    const results = await prepare([refused, update, tenderRelease('o2')]);
    expect(results.map(errorOf)).toEqual([
      { code: 'UNKNOWN_SUPPLIER', field: 'bids.details[1].tenderers[0]' },
      { code: 'UNKNOWN_HOSPITAL', field: 'buyer' },
      undefined,
    ]);
  });

  it('stores a record of embedded releases, and a record with only a compiledRecord, as the compiled release', async () => {
    const [embedded, compiledOnly] = await prepare([
      { ocid: 'o1', releases: [awardRelease('o1'), tenderRelease('o1')] },
      {
        ocid: 'o2',
        releases: [{ url: 'https://example.cn/r/1.json', date: '2025-03-01T09:00:00+08:00', tag: ['tender'] }],
        compiledRecord: { ...tenderRelease('o2'), tag: ['compiled'] },
      },
    ]);
    expect(releaseRow(embedded).slice(0, 4)).toEqual(['o1', 'compiled', new Date('2025-04-02T07:00:00Z'), '{"compiled"}']);
    expect(releaseRow(compiledOnly).slice(0, 2)).toEqual(['o2', 'compiled']);
    const [line] = await prepare([{ ...tenderRelease('o4'), id: null, tag: ['compiled'] }]); // a JSON line of a compiled release
    expect(releaseRow(line).slice(0, 2)).toEqual(['o4', 'compiled']);
    const [bad] = await prepare([{ ocid: 'o3', releases: [setAt(tenderRelease('o3'), 'tender.status', 'open')] }]);
    expect(errorOf(bad)).toEqual({ code: 'CODELIST', field: 'releases[0].tender.status' });
  });
});

describe('ocds afterMerge', () => {
  it('compiles two releases of one ocid into the tender, bid and award rows', async () => {
    await pool.query(
      'INSERT INTO procurement.tender (ocid, hospital_code, region_code, title, category, method, ocds_method, status, month, release_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())',
      ['o1', HOSPITAL, '330100', 'stale', 'SERVICE', 'SINGLE_SOURCE', 'direct', 'active', '2020-01'],
    );
    const changed = await feed([tenderRelease('o1'), awardRelease('o1')]);
    expect(changed).toEqual([
      ['o1', 'o1-tender'],
      ['o1', 'o1-award'],
    ]);
    const rows = await tables('o1');
    expect(rows.tender).toEqual([
      {
        ocid: 'o1',
        hospital_code: HOSPITAL,
        region_code: '330100',
        title: 'CT 设备采购',
        category: 'EQUIPMENT',
        method: 'OPEN_TENDERING',
        status: 'complete',
        budget: '5000000.00',
        month: '2025-03',
        award_date: new Date('2025-04-02T07:00:00Z'),
        release_date: new Date('2025-04-02T07:00:00Z'),
      },
    ]);
    expect(rows.bid).toEqual([
      {
        bid_id: 'bid-a',
        tenderer_usccs: [SUPPLIER_A],
        amount: '4800000.00',
        status: 'VALID',
        disqualify_reason: null,
        region_code: '330100',
      },
      {
        bid_id: 'bid-b',
        tenderer_usccs: [SUPPLIER_B],
        amount: '4500000.00',
        status: 'DISQUALIFIED',
        disqualify_reason: '资质不符',
        region_code: '330100',
      },
    ]);
    expect(rows.award).toEqual([
      {
        award_id: 'aw1',
        supplier_usccs: [SUPPLIER_A],
        value: '4800000.00',
        status: 'active',
        related_bids: ['bid-a'],
        supplier_registered_on: '2024-09-01',
        month: '2025-03',
      },
    ]);
    expect(rows.committee).toEqual([
      { member_id: 'm1', staff_id: STAFF_ID, expert_name: null },
      { member_id: 'm2', staff_id: null, expert_name: '李专家' },
    ]);
    expect(rows.party.map((p) => [p['party_id'], p['uscc'], p['roles']])).toEqual([
      ['a', SUPPLIER_A, ['tenderer', 'supplier']],
      ['b', SUPPLIER_B, ['tenderer']],
      ['buyer', HOSPITAL, ['buyer']],
    ]);
    expect(rows.lot).toEqual([{ lot_id: 'lot1', value: '5000000.00' }]);
  });

  it('gives the same rows when the later release arrives first, and a re-run changes nothing', async () => {
    await feed([tenderRelease('in-order'), awardRelease('in-order'), contractRelease('in-order')]);
    await feed([awardRelease('late')]);
    expect((await tables('late')).tender).toEqual([]); // no tender notice yet: the award waits in ocds_release
    await feed([contractRelease('late')]);
    await feed([tenderRelease('late')]);
    const strip = (t: Awaited<ReturnType<typeof tables>>) => JSON.parse(JSON.stringify(t).replaceAll('in-order', 'late')) as unknown;
    const late = await tables('late');
    expect(late.tender).toHaveLength(1);
    expect(late.contract).toEqual([{ contract_id: 'c1', award_id: 'aw1', value: '4800000.00', amendments: [] }]);
    expect(strip(await tables('in-order'))).toEqual(JSON.parse(JSON.stringify(late)));
    await ocdsFeed.afterMerge!([['late', 'late-tender']], runContext(directory(), { pool }));
    expect(JSON.parse(JSON.stringify(await tables('late')))).toEqual(JSON.parse(JSON.stringify(late)));
  });

  it('compiles a process whose releases fall in successive batches of a pipelined run, whether or not the last batch committed', async () => {
    const lines = [tenderRelease('piped'), awardRelease('piped'), contractRelease('piped'), tenderRelease('other')];
    const summary = await runFeed({
      subgraph: 'procurement',
      kind: { ...ocdsFeed, batchSize: 1 },
      pool,
      schema: 'procurement',
      method: 'copy',
      client: 'cli:test',
      peers: directory(),
      source: { name: 'piped.ndjson', stream: streamOf(lines.map((l) => JSON.stringify(l)).join('\n')), format: 'ndjson' },
    });
    expect(summary).toMatchObject({ status: 'SUCCEEDED', read: 4, inserted: 4, rejected: 0 });
    const piped = await tables('piped');
    expect(piped.tender).toHaveLength(1);
    expect(piped.award.map((a) => a['award_id'])).toEqual(['aw1']);
    expect(piped.contract.map((c) => c['contract_id'])).toEqual(['c1']);
    expect((await tables('other')).tender).toHaveLength(1);
  });

  it('rebuilds several processes in one call and leaves other processes alone', async () => {
    await feed([tenderRelease('a1'), tenderRelease('a2'), tenderRelease('a3')]);
    await pool.query(
      `UPDATE procurement.ocds_release SET body = jsonb_set(body::jsonb, '{tender,title}', '"改"')::json WHERE ocid IN ('a1', 'a2')`,
    );
    await ocdsFeed.afterMerge!(
      [
        ['a1', 'a1-tender'],
        ['a2', 'a2-tender'],
      ],
      runContext(directory(), { pool }),
    );
    const { rows } = await pool.query<{ ocid: string; title: string }>(`SELECT ocid, title FROM procurement.tender ORDER BY ocid`);
    expect(rows).toEqual([
      { ocid: 'a1', title: '改' },
      { ocid: 'a2', title: '改' },
      { ocid: 'a3', title: 'CT 设备采购' },
    ]);
    const { rows: bids } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM procurement.bid`);
    expect(bids[0]?.n).toBe(6);
  });
});
