import { describe, expect, it } from 'vitest';
import { cpuMsBetween, descendantsOf, parseProcStat, parseVmRssKb, snapshotTree, treeTicks, type ProcStat } from './proc-metrics.js';

// proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
const line = (pid: number, comm: string, ppid: number, utime: number, stime: number, cutime = 0, cstime = 0) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 5000 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 11 0 12345 1000000 20000 18446744073709551615`;

describe('/proc parsing and CPU arithmetic', () => {
  it('reads ppid and the four times, whatever the command name holds', () => {
    expect(parseProcStat(line(42, 'node', 7, 150, 30, 5, 1))).toEqual({
      pid: 42,
      comm: 'node',
      ppid: 7,
      utime: 150,
      stime: 30,
      cutime: 5,
      cstime: 1,
    });
    // Spaces and a ") " inside the name must not shift the fields.
    const odd = parseProcStat(line(43, 'we) ird (name', 42, 9, 8, 7, 6));
    expect(odd).toMatchObject({ pid: 43, comm: 'we) ird (name', ppid: 42, utime: 9, stime: 8, cutime: 7, cstime: 6 });
    expect(() => parseProcStat('garbage')).toThrow();
  });

  it('reads VmRSS in kB, 0 when absent (kernel thread, zombie)', () => {
    expect(parseVmRssKb('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n')).toBe(123456);
    expect(parseVmRssKb('Name:\tkthreadd\nState:\tS\n')).toBe(0);
  });

  it('finds a tree: the root, its children and grandchildren, nobody else', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 11],
      [20, 1],
      [21, 20],
    ]);
    expect(descendantsOf(10, parents).sort()).toEqual([10, 11, 12, 13]);
    expect(descendantsOf(99, parents)).toEqual([99]);
  });

  it('counts CPU of a tree once, including a worker that exited inside the window', () => {
    const tck = 100; // ticks per second
    const primary = (u: number, cu = 0): ProcStat => ({ pid: 1, comm: 'node', ppid: 0, utime: u, stime: 0, cutime: cu, cstime: 0 });
    const worker = (pid: number, u: number, s: number): ProcStat => ({
      pid,
      comm: 'node',
      ppid: 1,
      utime: u,
      stime: s,
      cutime: 0,
      cstime: 0,
    });
    expect(treeTicks([primary(10), worker(2, 100, 20)])).toBe(130);
    // 10 ticks of the primary, 50 + 10 of worker 2: 70 ticks = 700 ms.
    expect(cpuMsBetween([primary(10), worker(2, 100, 20)], [primary(20), worker(2, 150, 30)], tck)).toBe(700);
    // Worker 2 exits with 200 + 40 ticks and is reaped (its total moves to the primary's cutime); worker 3 is born with 25.
    expect(cpuMsBetween([primary(10), worker(2, 100, 20)], [primary(10, 240), worker(3, 20, 5)], tck)).toBe((120 + 25) * 10);
    // CLK_TCK other than 100.
    expect(cpuMsBetween([primary(0)], [primary(250)], 250)).toBe(1000);
  });

  it('snapshots this very process from /proc', () => {
    const tree = snapshotTree(process.pid);
    expect(tree[0]?.pid).toBe(process.pid);
    expect(tree[0]!.utime + tree[0]!.stime).toBeGreaterThan(0);
  });
});
