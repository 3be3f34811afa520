import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOSPITAL,
  STAFF_ID,
  SUPPLIER_A,
  SUPPLIER_B,
  awardRelease,
  tenderRelease,
} from '../subgraphs/procurement/src/ocds/test-releases.js';
import { DEFAULT_USER, FEED_CLIENT, startStack, type Stack } from './helpers/stack.js';
import { loadDirectory, loadSuppliers } from './helpers/fixtures.js';

/**
 * The procurement feeds end to end: through the gateway's POST /feeds, into the procurement subgraph,
 * looking every reference up in the real directory subgraph, on real PostgreSQL — and the flags after.
 */
let stack: Stack;
let feedsUrl: string;
const NO_ORDERS = 'no-orders-client';

beforeAll(async () => {
  const manifest = join(mkdtempSync(join(tmpdir(), 'ih-proc-feeds-')), 'persisted.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      clients: { [FEED_CLIENT]: { feeds: ['procurement/ocds', 'procurement/orders'] }, [NO_ORDERS]: { feeds: ['procurement/ocds'] } },
    }),
  );
  stack = await startStack({ gatewayEnv: { PERSISTED_OPERATIONS_PATH: manifest } });
  stack.idp.addMachineClient({ clientId: NO_ORDERS, secret: 'x', roles: ['machine-client'], regionCode: '330000' });
  const pool = stack.subgraphs.directory!.db.pool;
  await loadDirectory(pool, { hospitals: 2 });
  await loadSuppliers(pool, [SUPPLIER_A, SUPPLIER_B], 'DEVICE', () => []);
  feedsUrl = stack.gatewayUrl.replace(/\/graphql$/, '/feeds');
});
afterAll(() => stack?.stop());

/** The hospital and committee member the test releases name, added to the directory (a "fix" for a replay). */
async function addHospital() {
  const pool = stack.subgraphs.directory!.db.pool;
  await pool.query(
    `INSERT INTO directory.hospital (code, name, level, ownership, type, region_code, updated_at) VALUES ($1, '杭州市第一人民医院', 'LEVEL_3', 'PUBLIC', 'GENERAL', '330100', now())`,
    [HOSPITAL],
  );
  await pool.query(
    `INSERT INTO directory.staff (id, hospital_code, employee_no, name, id_card_number, role, updated_at)
     VALUES ($1, $2, 'E1', '王主任', '110101198001010013', 'LEADER', now())`,
    [STAFF_ID, HOSPITAL],
  );
}

async function post(kind: string, body: string, contentType: string, who = FEED_CLIENT) {
  const res = await request(`${feedsUrl}/procurement/${kind}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(who)}`, 'content-type': contentType },
    body,
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> & { runId: string } };
}
const lines = (...values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n') + '\n';

describe('OCDS releases through POST /feeds/procurement/ocds', () => {
  it('rejects a release for a hospital the directory does not know, with its line; replay loads it once the hospital is there', async () => {
    const first = await post('ocds', lines(tenderRelease('ocds-e2e-1')), 'application/x-ndjson');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'PARTIAL', read: 1, rejected: 1, inserted: 0 });
    const rejects = await stack.feed<{ procurementFeedRejects: { nodes: { line: number; code: string; field: string }[] } }>(
      'query R($run: ID!) { procurementFeedRejects(runId: $run) { nodes { line code field message } } }',
      { run: first.json.runId },
    );
    expect(rejects.body.data!.procurementFeedRejects.nodes).toEqual([
      expect.objectContaining({ line: 1, code: 'UNKNOWN_HOSPITAL', field: 'buyer' }),
    ]);
    await addHospital();
    const { replayRun } = await import('#platform/feed/replay.js');
    const { createPeerLookup } = await import('#platform/feed/peers.js');
    const { createIdentitySigner } = await import('#common/identity-signature.js');
    const { identityOf } = await import('#testing/identities.js');
    const { procurementFeeds } = await import('../subgraphs/procurement/src/feeds/index.js');
    const sub = stack.subgraphs.procurement!;
    const replay = await replayRun({
      runId: first.json.runId,
      subgraph: 'procurement',
      kind: procurementFeeds.find((k) => k.kind === 'ocds')!,
      pool: sub.db.pool,
      schema: 'procurement',
      method: 'copy',
      client: 'test',
      peers: createPeerLookup({
        urls: new Map(Object.entries(stack.subgraphs).map(([n, s]) => [n, s.url])),
        identityFor: {
          signer: createIdentitySigner(stack.identityKeys.privateKey),
          identity: identityOf(['machine-client'], { regionCode: '330000' }),
        },
      }),
    });
    expect(replay).toMatchObject({ status: 'SUCCEEDED', inserted: 1, replayOf: first.json.runId });
    const again = await stack.feed<{ procurementFeedRejects: { nodes: { resolvedByRun: string | null }[] } }>(
      'query R($run: ID!) { procurementFeedRejects(runId: $run) { nodes { resolvedByRun } } }',
      { run: first.json.runId },
    );
    expect(again.body.data!.procurementFeedRejects.nodes).toEqual([{ resolvedByRun: replay.runId }]);
  });

  it('a malformed line in the middle is reported with its line and the rest loads; the same file again is 0 new, 0 updated', async () => {
    const body = lines(tenderRelease('ocds-e2e-2'), '{"ocid": "ocds-e2e-x", "id": ', tenderRelease('ocds-e2e-3'));
    const run = await post('ocds', body, 'application/x-ndjson');
    expect(run.json.error ?? null).toBeNull();
    expect(run.json).toMatchObject({ status: 'PARTIAL', read: 3, inserted: 2, rejected: 1 });
    const rejects = await stack.feed<{ procurementFeedRejects: { nodes: { line: number; code: string }[] } }>(
      'query R($run: ID!) { procurementFeedRejects(runId: $run) { nodes { line code } } }',
      { run: run.json.runId },
    );
    expect(rejects.body.data!.procurementFeedRejects.nodes).toEqual([{ line: 2, code: 'MALFORMED_JSON' }]);
    const clean = lines(tenderRelease('ocds-e2e-2'), tenderRelease('ocds-e2e-3'));
    expect((await post('ocds', clean, 'application/x-ndjson')).json).toMatchObject({
      status: 'SUCCEEDED',
      inserted: 0,
      updated: 0,
      unchanged: 2,
    });
  });

  it('a later release sent first, then the earlier one: one tender, compiled as if in date order, its flags computed', async () => {
    const award = awardRelease('ocds-e2e-4');
    expect((await post('ocds', lines(award), 'application/x-ndjson')).json).toMatchObject({ inserted: 1 });
    // A 12-day tender period for 公开招标: R003 under the national threshold of 20 days.
    const tender = tenderRelease('ocds-e2e-4', {
      tender: {
        ...(tenderRelease().tender as object),
        tenderPeriod: { startDate: '2025-03-01T09:00:00+08:00', endDate: '2025-03-13T09:00:00+08:00' },
      },
    });
    expect((await post('ocds', lines(tender), 'application/x-ndjson')).json).toMatchObject({ status: 'SUCCEEDED', inserted: 1 });
    const res = await stack.query<{
      tender: { method: string; awards: { suppliers: { uscc: string }[] }[]; flags: { code: string; explanation: string }[] };
    }>('query T($ocid: ID!) { tender(ocid: $ocid) { method awards { suppliers { uscc } } flags { code explanation } } }', {
      ocid: 'ocds-e2e-4',
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.tender.method).toBe('OPEN_TENDERING');
    expect(res.body.data!.tender.awards).toHaveLength(1);
    expect(res.body.data!.tender.flags.map((f) => f.code)).toContain('R003');
    expect(res.body.data!.tender.flags.find((f) => f.code === 'R003')!.explanation).toMatch(/12/);
  });

  it('an unknown codelist value, a truncated file and an empty one: clear reasons, nothing lost', async () => {
    const bad = tenderRelease('ocds-e2e-5', { tender: { ...(tenderRelease().tender as object), procurementMethod: 'auction' } });
    const codelist = await post('ocds', lines(bad), 'application/x-ndjson');
    expect(codelist.json).toMatchObject({ status: 'PARTIAL', rejected: 1 });
    const truncated = await post('ocds', JSON.stringify(tenderRelease('ocds-e2e-6')).slice(0, 120), 'application/x-ndjson');
    expect(truncated.json).toMatchObject({ rejected: 1 });
    const empty = await post('ocds', '', 'application/x-ndjson');
    expect(empty.status).toBe(422);
    expect(empty.json).toMatchObject({ status: 'FAILED', error: { code: 'EMPTY_SOURCE' } });
  });
});

describe('who may post', () => {
  it('a client without the feed in its manifest, and a business role, get 403', async () => {
    const csv = 'order_no,line_no\n';
    expect((await post('orders', csv, 'text/csv', NO_ORDERS)).status).toBe(403);
    expect((await post('ocds', lines(tenderRelease('ocds-e2e-7')), 'application/x-ndjson', DEFAULT_USER)).status).toBe(403);
  });
});

describe('purchase orders through POST /feeds/procurement/orders', () => {
  it('a wrong column count and a bad decimal are rejected with their line; the header names the missing columns', async () => {
    const header =
      'order_no,line_no,hospital_code,product_code,supplier_uscc,manufacturer_uscc,quantity,unit_price,ordered_at,vbp_selected,listed_price,invoice_numbers';
    const body = `${header}\nPO1,1,${HOSPITAL},X,${SUPPLIER_A}\nPO1,2,${HOSPITAL},XA10BAE021A010010201650,${SUPPLIER_A},,1x0,5,2025-03-01,否,5,I1|I2\n`;
    const run = await post('orders', body, 'text/csv');
    expect(run.json).toMatchObject({ status: 'PARTIAL', read: 2, rejected: 2 });
    const rejects = await stack.feed<{ procurementFeedRejects: { nodes: { line: number; code: string; field: string | null }[] } }>(
      'query R($run: ID!) { procurementFeedRejects(runId: $run) { nodes { line code field } } }',
      { run: run.json.runId },
    );
    expect(rejects.body.data!.procurementFeedRejects.nodes.map((r) => [r.line, r.code])).toEqual([
      [2, 'CSV_COLUMN_COUNT'],
      [3, expect.any(String)],
    ]);
    const missing = await post('orders', 'order_no,line_no\nPO1,1\n', 'text/csv');
    expect(missing.json).toMatchObject({ status: 'FAILED', error: { code: 'CSV_HEADER' } });
  });
});
