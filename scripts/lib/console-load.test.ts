import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  AnswerChecker,
  assignIdentities,
  checkReferenceBody,
  checkReferences,
  collapsingRatio,
  connectionsPerScope,
  consoleAccounts,
  consoleTable,
  decodeBodiesWhole,
  modeOrder,
  parseConsoleOptions,
  scopeKeyOf,
  summariseMode,
  verdictLine,
  type BodyQueue,
  type ConsoleRound,
  type Reference,
} from './console-load.js';

const HOSPITAL_A = '12330502000000019W';
const HOSPITAL_B = '12330503000000027X';

const answer = (codes: string[], total = codes.length) =>
  JSON.stringify({ data: { hospitals: { totalCount: total, nodes: codes.map((code) => ({ code, name: `医院${code}` })) } } });

describe('options', () => {
  it('defaults to 15 s, 3 s warm-up, 2 rounds, 50 connections', () => {
    expect(parseConsoleOptions({})).toEqual({ seconds: 15, warmupSeconds: 3, rounds: 2, connections: 50 });
  });
  it('reads the environment, keeps at least two rounds, refuses nonsense', () => {
    expect(
      parseConsoleOptions({
        BENCH_CONSOLE_SECONDS: '3',
        BENCH_CONSOLE_WARMUP_SECONDS: '0',
        BENCH_CONSOLE_ROUNDS: '1',
        BENCH_CONSOLE_CONNECTIONS: '24',
      }),
    ).toEqual({
      seconds: 3,
      warmupSeconds: 0,
      rounds: 2,
      connections: 24,
    });
    expect(() => parseConsoleOptions({ BENCH_CONSOLE_SECONDS: 'soon' })).toThrow(/BENCH_CONSOLE_SECONDS/);
    expect(() => parseConsoleOptions({ BENCH_CONSOLE_SECONDS: '0' })).toThrow(/≥ 1/);
  });
  it('alternates the modes: off, on, on, off, off, on', () => {
    expect([0, 1, 2].flatMap(modeOrder)).toEqual(['off', 'on', 'on', 'off', 'off', 'on']);
  });
});

describe('identities', () => {
  const accounts = consoleAccounts([HOSPITAL_A, HOSPITAL_B]);
  const keys = accounts.map(scopeKeyOf);

  it('a dozen accounts, some sharing a scope and most scopes distinct', () => {
    expect(accounts).toHaveLength(12);
    expect(new Set(accounts.map((a) => a.username)).size).toBe(12);
    const distinct = new Set(keys).size;
    expect(distinct).toBeGreaterThanOrEqual(8);
    expect(distinct).toBeLessThan(accounts.length); // something to share
    expect(new Set(accounts.map((a) => a.roles[0])).size).toBeGreaterThanOrEqual(4);
    expect(accounts.filter((a) => a.hospitalCode).map((a) => a.hospitalCode)).toEqual([HOSPITAL_A, HOSPITAL_B]);
  });

  it('the scope key is roles, region and hospital — not the username, and role order does not matter', () => {
    expect(scopeKeyOf({ roles: ['supervisor'], regionCode: '330500' })).toBe(scopeKeyOf({ roles: ['supervisor'], regionCode: '330500' }));
    expect(scopeKeyOf({ roles: ['supervisor'], regionCode: '330500' })).not.toBe(
      scopeKeyOf({ roles: ['inspector'], regionCode: '330500' }),
    );
    expect(scopeKeyOf({ roles: ['supervisor'], regionCode: '330500' })).not.toBe(
      scopeKeyOf({ roles: ['supervisor'], regionCode: '330502' }),
    );
    expect(scopeKeyOf({ roles: ['hospital-officer'], hospitalCode: HOSPITAL_A })).not.toBe(
      scopeKeyOf({ roles: ['hospital-officer'], hospitalCode: HOSPITAL_B }),
    );
    expect(scopeKeyOf({ roles: ['inspector', 'supervisor'], regionCode: '330500' })).toBe(
      scopeKeyOf({ roles: ['supervisor', 'inspector'], regionCode: '330500' }),
    );
  });

  it('assigns connections round-robin, every identity at least one', () => {
    expect(assignIdentities(5, 2)).toEqual([0, 1, 0, 1, 0]);
    const fifty = assignIdentities(50, 12);
    const counts = Array.from({ length: 12 }, (_, i) => fifty.filter((x) => x === i).length);
    expect(Math.min(...counts)).toBe(4);
    expect(Math.max(...counts)).toBe(5);
    expect(() => assignIdentities(3, 12)).toThrow(/cannot give/);
    expect(() => assignIdentities(3, 0)).toThrow(/at least one/);
  });

  it('counts connections per scope', () => {
    const per = connectionsPerScope(assignIdentities(50, 12), keys);
    expect([...per.values()].reduce((a, b) => a + b, 0)).toBe(50);
    expect(per.get(scopeKeyOf({ roles: ['supervisor'], regionCode: '330000' }))).toBe(10); // two accounts × 5
    expect(() => connectionsPerScope([0, 7], ['a'])).toThrow(/unknown identity 7/);
  });
});

describe('reference answers', () => {
  const city = ['A1', 'A2', 'B1', 'B2'];
  it('accepts a page within the scope with the right total', () => {
    expect(checkReferenceBody(answer(city), city, 60)).toEqual([]);
    expect(checkReferenceBody(answer(['A1', 'A2'], 4), city, 2)).toEqual([]); // a full page of a longer list
  });
  it('finds a hospital outside the scope, a wrong total, a short page, duplicates, errors', () => {
    expect(checkReferenceBody(answer(['A1', 'C9']), ['A1', 'A2'])).toEqual([
      expect.stringMatching(/1 hospitals outside the account's scope \(C9/),
    ]);
    expect(checkReferenceBody(answer(['A1'], 3), ['A1'])).toEqual([expect.stringMatching(/totalCount 3/)]);
    expect(checkReferenceBody(answer(['A1']), ['A1', 'A2'])).toEqual(
      expect.arrayContaining([expect.stringMatching(/1 hospitals listed, expected 2/)]),
    );
    expect(checkReferenceBody(answer(['A1', 'A1']), ['A1', 'A2'])).toEqual([expect.stringMatching(/twice/)]);
    expect(checkReferenceBody(JSON.stringify({ errors: [{ message: 'no' }] }), ['A1'])[0]).toMatch(/^errors/);
    expect(checkReferenceBody('<html>', ['A1'])[0]).toMatch(/^not JSON/);
  });

  const ref = (username: string, scopeKey: string, codes: string[], body = answer(codes)): Reference => ({
    username,
    scopeKey,
    body,
    visibleCodes: codes,
  });

  it('passes scopes that differ, and distinct scopes seeing the same hospitals sharing bytes', () => {
    expect(
      checkReferences([
        ref('prov-1', 'P', city),
        ref('prov-2', 'P', city),
        ref('city', 'C', city), // the province and its only city see the same hospitals
        ref('district', 'D', ['A1', 'A2']),
        ref('officer', 'H', ['B1']),
      ]),
    ).toEqual([]);
  });
  it('fails accounts of one scope with different answers', () => {
    expect(checkReferences([ref('x', 'P', city), ref('y', 'P', city, answer(['A1']))])).toEqual([
      expect.stringMatching(/y and x share a scope but got different answers/),
    ]);
  });
  it('fails scopes that may see different hospitals but got the same bytes', () => {
    const same = answer(city);
    expect(checkReferences([ref('city', 'C', city, same), ref('district', 'D', ['A1', 'A2'], same)])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/city and district may see different hospitals but got the same answer/),
        expect.stringMatching(/every account got the same answer/),
      ]),
    );
  });
});

describe('checking answers under load', () => {
  const refs = [
    { username: 'prov-1', scopeKey: 'P', body: answer(['A1', 'B1']) },
    { username: 'prov-2', scopeKey: 'P', body: answer(['A1', 'B1']) },
    { username: 'officer', scopeKey: 'H', body: answer(['B1']) },
  ];
  it('counts correct answers per identity, byte for byte', () => {
    const c = new AnswerChecker(refs);
    expect(c.check(0, 200, refs[0]!.body)).toBe('correct');
    expect(c.check(1, 200, refs[0]!.body)).toBe('correct'); // same scope, same bytes
    expect(c.check(2, 200, refs[2]!.body)).toBe('correct');
    expect(c.check(2, 200, `${refs[2]!.body}\n`)).toBe('wrong'); // not the same bytes
    expect([c.correct, c.wrong, c.crossScope]).toEqual([3, 1, 0]);
  });
  it("calls another scope's answer a scope crossing, and keeps the first wrong answer", () => {
    const c = new AnswerChecker(refs);
    expect(c.check(2, 200, refs[0]!.body)).toBe('wrong'); // the officer got the province's list
    expect(c.check(0, 200, answer(['Z9']))).toBe('wrong'); // wrong, but nobody's answer
    expect([c.wrong, c.crossScope]).toEqual([2, 1]);
    expect(c.sample).toMatch(/^officer got the answer of scope P/);
  });
  it('counts non-2xx as such, not as wrong answers', () => {
    const c = new AnswerChecker(refs);
    expect(c.check(0, 503, 'busy')).toBe('non2xx');
    expect([c.non2xx, c.wrong, c.correct]).toEqual([1, 0, 0]);
    expect(() => c.check(9, 200, '{}')).toThrow(/no reference for identity 9/);
  });
});

describe('whole-body decoding of autocannon responses', () => {
  const require = createRequire(import.meta.url);
  const Queue = require('autocannon/lib/pipelinedRequestsQueue.js') as new () => BodyQueue & { insertRequest(req: unknown): void };
  const text = '{"name":"吴兴区第1人民医院"}';
  const bytes = Buffer.from(text);
  const split = bytes.indexOf(Buffer.from('吴')) + 1; // inside the first Chinese character
  const receive = (q: BodyQueue & { insertRequest(req: unknown): void }) => {
    q.insertRequest({});
    q.addBody(bytes.subarray(0, split));
    q.addBody(bytes.subarray(split));
    return q.terminateRequest()!.body;
  };

  it("autocannon's own queue decodes each read alone and breaks a split character", () => {
    expect(receive(new Queue())).not.toBe(text);
  });
  it('decodes the body whole: the same text as sent, request after request', () => {
    const q = new Queue();
    decodeBodiesWhole(q);
    expect(receive(q)).toBe(text);
    expect(receive(q)).toBe(text);
    q.insertRequest({});
    expect(q.terminateRequest()!.body).toBe(''); // an empty body
  });
  it('refuses a queue without the expected shape', () => {
    expect(() => decodeBodiesWhole({} as BodyQueue)).toThrow(/autocannon internals changed/);
  });
});

describe('figures', () => {
  const round = (mode: 'off' | 'on', rps: number, extra: Partial<ConsoleRound> = {}): ConsoleRound => ({
    mode,
    round: 0,
    durationS: 10,
    responses: rps * 10,
    correct: rps * 10,
    rps,
    p50: 1000 / rps,
    p95: 2000 / rps,
    p99: 3000 / rps,
    non2xx: 0,
    transportErrors: 0,
    timeouts: 0,
    wrongAnswers: 0,
    crossScope: 0,
    cpuMs: rps * 10 * 2,
    peakRssMb: 150,
    sqlStatements: rps * 10,
    benchProcessCpuMs: rps * 10,
    warmup: { responses: 10, errors: 0, wrongAnswers: 0 },
    ...extra,
  });

  it('summarises a mode: medians of rounds, CPU over all responses, highest RSS, errors include wrong answers', () => {
    const s = summariseMode(
      [round('off', 100), round('off', 300, { peakRssMb: 180, wrongAnswers: 2, non2xx: 1 }), round('off', 200), round('on', 999)],
      'off',
    );
    expect(s.rounds).toBe(3);
    expect(s.rps).toBe(200);
    expect(s.p50).toBe(5);
    expect(s.cpuMsPerRequest).toBe(2);
    expect(s.peakRssMb).toBe(180);
    expect([s.errors, s.wrongAnswers]).toEqual([3, 2]);
  });

  it('ratio of RPS on / off, a table row per mode, and a verdict that tells wrong answers', () => {
    const all = [round('off', 100), round('off', 100), round('on', 250), round('on', 250)];
    const summaries = [summariseMode(all, 'off'), summariseMode(all, 'on')];
    expect(collapsingRatio(summaries)).toBe(2.5);
    expect(collapsingRatio(summaries.slice(0, 1))).toBeNaN();
    const table = consoleTable(summaries).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^\| off \| 100 \|/);
    expect(table[3]).toMatch(/^\| on \| 250 \|/);
    expect(verdictLine(summaries)).toMatch(/2\.50×.*collapsing helped.*no wrong answers/);
    const bad = [summariseMode(all, 'off'), summariseMode([round('on', 90, { wrongAnswers: 3, crossScope: 1 })], 'on')];
    expect(verdictLine(bad)).toMatch(/did not help.*3 wrong answers, 1 of them another scope's answer/);
  });
});
