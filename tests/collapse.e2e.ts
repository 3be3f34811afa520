import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './helpers/stack.js';
import { CITY, DISTRICTS, loadDirectory, OTHER_CITY, PROVINCE } from './helpers/fixtures.js';
import { probe, probeHold } from './helpers/probe.js';
import { until } from './helpers/gate.js';
import { UNMASK_REASON_HEADER } from '../gateway/src/admission.js';
import type { HubRole } from '#common/identity.js';

/**
 * What the gateway shares between requests in flight — collapsed client operations and
 * deduplicated subgraph fetches (both on by default) — never crosses an identity scope: callers of
 * different regions, roles or unmask reasons firing the same document at the same moment each get
 * exactly their own rows; callers of one scope share one execution and still get one audit entry each.
 *
 * "At the same moment" is made certain, not hoped for: every document also selects the probe's
 * `held`, so each execution waits at the probe until the test has seen every request of the burst
 * either reach the probe (an execution) or join one running (a follower). Only then does it let go.
 */
let stack: Stack;
let fixture: Awaited<ReturnType<typeof loadDirectory>>;
const HOSPITALS = 'query CollapseProbe { hospitals(first: 100) { totalCount nodes { code region { code } } } held }';
type Hospitals = { hospitals: { totalCount: number; nodes: { code: string; region: { code: string } }[] }; held: string };

const accounts: Record<string, { roles: HubRole[]; regionCode: string }> = {
  'city-a': { roles: ['supervisor'], regionCode: CITY },
  'city-b': { roles: ['supervisor'], regionCode: CITY }, // same scope as city-a, another person
  other: { roles: ['supervisor'], regionCode: OTHER_CITY },
  district: { roles: ['supervisor'], regionCode: DISTRICTS[0] },
  province: { roles: ['supervisor'], regionCode: PROVINCE },
  inspector: { roles: ['inspector'], regionCode: CITY },
};

beforeAll(async () => {
  stack = await startStack({ extra: [probe] });
  fixture = await loadDirectory(stack.subgraphs.directory!.db.pool, { hospitals: 40, departmentsEach: 1, staffEach: 1 });
  for (const [username, a] of Object.entries(accounts)) stack.idp.addAccount({ username, password: 'x', ...a });
  // Tokens first, so the bursts below are not spread out by token requests.
  await Promise.all(Object.keys(accounts).map((who) => stack.token(who)));
});
afterAll(() => {
  probeHold.gate.open();
  return stack?.stop();
});

/**
 * Sends every request at once, holds their executions at the probe until `executions` of them
 * reached it and all the others joined one, then lets them finish. Asserts that nothing else ran.
 */
async function heldBurst<T>(requests: (() => Promise<T>)[], executions: number): Promise<T[]> {
  probeHold.reset();
  const joinedBefore = stack.gateway.sharing().joined;
  const joined = () => stack.gateway.sharing().joined - joinedBefore;
  const followers = requests.length - executions;
  const answers = Promise.all(requests.map((send) => send()));
  try {
    await until(
      () => probeHold.started.held >= executions && joined() >= followers,
      20_000,
      `${executions} executions and ${followers} followers`,
    );
  } finally {
    probeHold.gate.open();
  }
  const responses = await answers;
  expect({ executions: probeHold.started.held, followers: joined() }).toEqual({ executions, followers });
  return responses;
}

const expectedCodes = (prefix: string) =>
  fixture.hospitals
    .filter((h) => h.regionCode.startsWith(prefix))
    .map((h) => h.code)
    .sort();
const scopePrefix = (regionCode: string) => regionCode.replace(/(00)+$/, '');

describe('sharing in flight never crosses a scope', () => {
  it('identical queries from different regions at the same moment: each caller gets exactly its own hospitals', async () => {
    const callers = ['city-a', 'other', 'district', 'province', 'city-b'];
    // Four scopes (city-a and city-b share one): four executions, every other request a follower.
    const scopes = new Set(callers.map((who) => scopePrefix(accounts[who]!.regionCode))).size;
    expect(scopes).toBe(4);
    for (let round = 0; round < 3; round++) {
      const burst = Array.from({ length: 40 }, (_, i) => callers[i % callers.length]!);
      const responses = await heldBurst(
        burst.map((who) => () => stack.as(who)<Hospitals>(HOSPITALS)),
        scopes,
      );
      responses.forEach((res, i) => {
        const who = burst[i]!;
        expect(res.body.errors, who).toBeUndefined();
        const got = res.body.data!.hospitals.nodes.map((n) => n.code).sort();
        expect(got, who).toEqual(expectedCodes(scopePrefix(accounts[who]!.regionCode)));
        expect(res.body.data!.hospitals.totalCount, who).toBe(got.length);
      });
    }
    // The scopes really differ, so a crossing would have shown.
    expect(new Set(callers.map((who) => expectedCodes(scopePrefix(accounts[who]!.regionCode)).length)).size).toBeGreaterThan(2);
  });

  it('the unmask reason is part of the scope: masked and clear answers never mix', async () => {
    const pool = stack.subgraphs.directory!.db.pool;
    const { rows } = await pool.query<{ id: string; name: string }>(
      `SELECT s.id, s.name FROM directory.staff s JOIN directory.hospital h ON h.code = s.hospital_code WHERE h.region_code LIKE $1 || '%' LIMIT 1`,
      [scopePrefix(CITY)],
    );
    const staff = rows[0]!;
    const doc = `query StaffProbe { staffMember(id: "${staff.id}") { name } held }`;
    const reason = { [UNMASK_REASON_HEADER]: encodeURIComponent('线索核查 第7号') };
    const burst = Array.from({ length: 30 }, (_, i) => i % 2 === 0);
    // Two scopes (with and without the reason): two executions, 28 followers.
    const responses = await heldBurst(
      burst.map((clear) => () => stack.as('inspector')<{ staffMember: { name: string } }>(doc, undefined, clear ? reason : {})),
      2,
    );
    expect(staff.name).not.toBe(`${Array.from(staff.name)[0]}${'*'.repeat(Array.from(staff.name).length - 1)}`);
    responses.forEach((res, i) => {
      const name = res.body.data!.staffMember.name;
      if (burst[i]) expect(name).toBe(staff.name);
      else expect(name).toBe(`${Array.from(staff.name)[0]}${'*'.repeat(Array.from(staff.name).length - 1)}`);
    });
  });

  it('callers of one scope share one execution, and each still gets its own audit entry', async () => {
    const before = stack.gateway.sharing().operations;
    const burst = Array.from({ length: 30 }, (_, i) => ({ who: i % 2 ? 'city-a' : 'city-b', id: `collapse-${i}` }));
    const responses = await heldBurst(
      burst.map(
        ({ who, id }) =>
          () =>
            stack.as(who)<Hospitals>(HOSPITALS, undefined, { 'x-request-id': id }),
      ),
      1,
    );
    for (const res of responses) expect(res.body.data!.hospitals.nodes.map((n) => n.code).sort()).toEqual(expectedCodes(scopePrefix(CITY)));
    const followers = stack.gateway.sharing().operations - before;
    expect(followers).toBe(burst.length - 1);

    await stack.gateway.audit.flush();
    const { rows } = await stack.subgraphs.audit!.db.pool.query<{
      request_id: string;
      subject: string;
      detail: { sharedWith?: string } | null;
      records: number;
      operation_name: string;
    }>(`SELECT request_id, subject, detail, records, operation_name FROM audit.entry WHERE request_id = ANY($1)`, [burst.map((b) => b.id)]);
    expect(rows).toHaveLength(burst.length);
    const shared = rows.filter((r) => r.detail?.sharedWith);
    expect(shared).toHaveLength(followers);
    const ids = new Set(burst.map((b) => b.id));
    for (const row of rows) {
      expect(row.operation_name).toBe('CollapseProbe');
      expect(row.records).toBeGreaterThan(0);
      if (row.detail?.sharedWith) expect(ids.has(row.detail.sharedWith) && row.detail.sharedWith !== row.request_id).toBe(true);
    }
    // Each entry names its own caller, not the leader's: one subject per caller, two callers, two subjects.
    const callerOf = new Map(burst.map((b) => [b.id, b.who]));
    const subjectsByCaller = new Map<string, Set<string>>();
    for (const row of rows) {
      const caller = callerOf.get(row.request_id)!;
      subjectsByCaller.set(caller, (subjectsByCaller.get(caller) ?? new Set()).add(row.subject));
    }
    expect(subjectsByCaller.get('city-a')!.size).toBe(1);
    expect(subjectsByCaller.get('city-b')!.size).toBe(1);
    expect([...subjectsByCaller.get('city-a')!][0]).not.toBe([...subjectsByCaller.get('city-b')!][0]);
  });

  it('mutations never collapse: identical ones in flight together each run', async () => {
    probeHold.reset();
    const before = stack.gateway.sharing();
    const doc = 'mutation Tally { tally }';
    const answers = Promise.all(Array.from({ length: 10 }, () => stack.as('city-a')<{ tally: number }>(doc)));
    // All ten reach the probe while it holds them: none waited for another's answer.
    try {
      await until(() => probeHold.started.tally >= 10, 20_000, 'ten executions of the mutation');
    } finally {
      probeHold.gate.open();
    }
    const responses = await answers;
    expect(responses.map((r) => r.body.errors)).toEqual(Array(10).fill(undefined));
    expect(responses.map((r) => r.body.data!.tally).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(probeHold.answered.tally).toBe(10);
    const after = stack.gateway.sharing();
    expect({
      operations: after.operations - before.operations,
      joined: after.joined - before.joined,
      fetches: after.fetches - before.fetches,
    }).toEqual({ operations: 0, joined: 0, fetches: 0 });
  });
});
