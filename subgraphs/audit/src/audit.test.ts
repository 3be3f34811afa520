import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditWriter } from '#common/audit/writer.js';
import type { AuditEntry } from '#common/audit/entry.js';
import type { Db } from '#platform/db/client.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { createTestDatabase } from '#platform/db/test-database.js';
import { createLogger } from '#common/logger.js';
import { createSubgraphApollo, openSubgraphDb } from '#platform/subgraph.js';
import { identityOf, operationRunner } from '#testing/identities.js';
import type { PrismaClient as AuditClient } from './__generated__/prisma/client.js';
import { audit } from './subgraph.js';

const log = createLogger({ level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db<AuditClient>;
const apollo = createSubgraphApollo(audit, { log, development: false });
const auditAdmin = identityOf(['audit-admin']);
const HOSPITAL = '12330500MB0000001X';

const run = operationRunner(apollo, audit, () => db, auditAdmin);

const entry = (i: number): AuditEntry => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  source: 'gateway',
  requestId: `req-${i}`,
  subject: i % 2 ? 'alice' : 'bob',
  clientId: 'console',
  roles: ['supervisor'],
  ip: '10.0.0.1',
  operationType: i % 5 === 0 ? 'mutation' : 'query',
  operationName: `Op${i % 3}`,
  operationHash: null,
  hospitals: i % 4 === 0 ? [HOSPITAL] : [],
  records: i,
  outcome: i % 7 === 0 ? 'refused' : 'ok',
  status: i % 7 === 0 ? 403 : 200,
  errorCodes: i % 7 === 0 ? ['FORBIDDEN'] : [],
  durationMs: 3,
  unmaskReason: null,
  unmaskedFields: [],
  detail: { i, z: 1, a: 2 },
});

beforeAll(async () => {
  database = await createTestDatabase({ subgraphs: ['audit'] });
  db = await openSubgraphDb(audit, { databaseUrl: database.urlFor('audit') });
  const writer = createAuditWriter({ pool: auditWriterUrl(database.adminUrl), algorithm: 'sm3', log });
  for (let i = 1; i <= 30; i++) writer.append(entry(i));
  await writer.close();
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  await db?.close();
  await database?.drop();
});

const LOG = `query Log($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { seq time subject operationType outcome hospitalCodes records errorCodes detail alg hash prevHash } }
  }
}`;
type LogResult = {
  auditLog: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: {
      cursor: string;
      node: { seq: string; subject: string; operationType: string; outcome: string; hospitalCodes: string[]; detail: string; alg: string };
    }[];
  };
};

describe('audit subgraph', () => {
  it('returns entries newest first, page by page, with an exact cursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: { data?: LogResult | null; errors?: readonly unknown[] } = await run<LogResult>(LOG, { first: 12, after });
      expect(res.errors).toBeUndefined();
      const conn: LogResult['auditLog'] = res.data!.auditLog;
      expect(conn.totalCount).toBe(30);
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...conn.edges.map((e) => e.node.seq));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(30 - i)));
  });

  it('maps the stored entry to the API (enums upper case, detail as canonical JSON)', async () => {
    const res = await run<LogResult>(LOG, { first: 1 });
    const node = res.data!.auditLog.edges[0]!.node;
    expect(node).toMatchObject({
      seq: '30',
      subject: 'bob',
      operationType: 'MUTATION',
      outcome: 'OK',
      alg: 'sm3',
      detail: '{"a":2,"i":30,"z":1}',
    });
  });

  it('filters by subject, outcome, hospital and time, still newest first', async () => {
    const bySubject = await run<LogResult>(LOG, { filter: { subject: 'alice' }, first: 50 });
    expect(bySubject.data!.auditLog.edges.map((e) => Number(e.node.seq))).toEqual([29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1]);
    const refused = await run<LogResult>(LOG, { filter: { outcome: 'REFUSED' }, first: 50 });
    expect(refused.data!.auditLog.edges.map((e) => e.node.seq)).toEqual(['28', '21', '14', '7']);
    const hospital = await run<LogResult>(LOG, { filter: { hospitalCode: HOSPITAL.toLowerCase() }, first: 50 });
    expect(hospital.data!.auditLog.totalCount).toBe(7);
    const window = await run<LogResult>(LOG, { filter: { from: '2026-01-01T00:00:10Z', to: '2026-01-01T00:00:20Z' }, first: 50 });
    expect(window.data!.auditLog.edges.map((e) => e.node.seq)).toEqual(['19', '18', '17', '16', '15', '14', '13', '12', '11', '10']);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await run(LOG, { first: 5, after: Buffer.from('k:abc').toString('base64url') });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reports the chain status', async () => {
    const res = await run<{ auditChain: { ok: boolean; rows: number; headSeq: string; headHash: string; problem: string | null } }>(
      '{ auditChain { ok rows headSeq headHash firstBadSeq problem checkedAt } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.auditChain).toMatchObject({ ok: true, rows: 30, headSeq: '30', problem: null });
    expect(res.data!.auditChain.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is for audit administrators only', async () => {
    for (const identity of [
      identityOf(['supervisor'], { regionCode: '330000' }),
      identityOf(['system-admin']),
      identityOf(['security-admin']),
    ]) {
      const res = await operationRunner(apollo, audit, () => db, identity)('{ auditChain { ok } }');
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
