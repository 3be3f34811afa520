import { describe, expect, it } from 'vitest';
import { Inflight } from './inflight.js';

/** A promise settled from outside, so a test decides when the work finishes. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Inflight', () => {
  it('runs the work once for concurrent callers of one key; all get the value', async () => {
    const inflight = new Inflight<{ n: number }>();
    const gate = deferred<{ n: number }>();
    let runs = 0;
    const work = () => {
      runs++;
      return gate.promise;
    };
    const calls = Array.from({ length: 5 }, () => inflight.run('k', work));
    expect(runs).toBe(1);
    expect(inflight.has('k')).toBe(true);
    expect(inflight.size).toBe(1);
    const value = { n: 42 };
    gate.resolve(value);
    const results = await Promise.all(calls);
    expect(results).toHaveLength(5);
    for (const r of results) expect(r).toBe(value);
    expect(runs).toBe(1);
    expect(inflight.shared).toBe(4);
  });

  it('runs different keys separately', async () => {
    const inflight = new Inflight<string>();
    const ran: string[] = [];
    const a = deferred<string>();
    const b = deferred<string>();
    const pa = inflight.run('a', () => (ran.push('a'), a.promise));
    const pb = inflight.run('b', () => (ran.push('b'), b.promise));
    expect(ran).toEqual(['a', 'b']);
    expect(inflight.size).toBe(2);
    b.resolve('B');
    a.resolve('A');
    expect(await Promise.all([pa, pb])).toEqual(['A', 'B']);
    expect(inflight.shared).toBe(0);
    expect(inflight.size).toBe(0);
  });

  it('shares a rejection with the concurrent callers, then forgets the key', async () => {
    const inflight = new Inflight<string>();
    const gate = deferred<string>();
    let runs = 0;
    const calls = Array.from({ length: 3 }, () =>
      inflight.run('k', () => {
        runs++;
        return gate.promise;
      }),
    );
    const failure = new Error('boom');
    gate.reject(failure);
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const s of settled) expect((s as PromiseRejectedResult).reason).toBe(failure);
    expect(runs).toBe(1);
    expect(inflight.has('k')).toBe(false);
    expect(inflight.size).toBe(0);

    // A later call runs again (the error was not cached) and may succeed.
    const later = await inflight.run('k', async () => {
      runs++;
      return 'recovered';
    });
    expect(later).toBe('recovered');
    expect(runs).toBe(2);
  });

  it('caches nothing: a call after the work settled runs fresh', async () => {
    const inflight = new Inflight<number>();
    let runs = 0;
    const work = async () => ++runs;
    expect(await inflight.run('k', work)).toBe(1);
    expect(inflight.has('k')).toBe(false);
    expect(await inflight.run('k', work)).toBe(2);
    expect(await inflight.run('k', work)).toBe(3);
    expect(inflight.shared).toBe(0);
  });

  it('counts followers across keys and rounds', async () => {
    const inflight = new Inflight<string>();
    const round = async (key: string, callers: number) => {
      const gate = deferred<string>();
      const calls = Array.from({ length: callers }, () => inflight.run(key, () => gate.promise));
      gate.resolve(key);
      await Promise.all(calls);
    };
    await round('a', 3); // 2 followers
    await round('b', 1); // 0
    await round('a', 4); // 3
    expect(inflight.shared).toBe(5);
  });
});
