import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/**
 * CPU time and memory of a process tree from Linux /proc (a gateway and its cluster workers):
 * CPU is sampled at the start and end of a timed window, RSS every 200 ms for the peak.
 */

/** The fields of /proc/<pid>/stat this module uses; times in clock ticks. */
export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  utime: number;
  stime: number;
  /** CPU of terminated children this process has waited for (cluster workers that died, …). */
  cutime: number;
  cstime: number;
}

/**
 * Parse /proc/<pid>/stat. The command name is in parentheses and may itself contain spaces and
 * parentheses, so the fields are counted from the last ")": state is field 3, ppid 4, utime 14,
 * stime 15, cutime 16, cstime 17 (proc(5)).
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/); // rest[0] = field 3 (state)
  const field = (n: number) => {
    const v = Number(rest[n - 3]);
    if (!Number.isFinite(v)) throw new Error(`/proc stat field ${n} missing in: ${text.slice(0, 80)}`);
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

/** VmRSS of /proc/<pid>/status in kB (0 for a kernel thread or a zombie, which have none). */
export function parseVmRssKb(statusText: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return m ? Number(m[1]) : 0;
}

/** `root` and every descendant of it, given each process's parent. */
export function descendantsOf(root: number, parentOf: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentOf) {
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(pid);
  }
  const out: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * CPU ticks of a whole tree: each live process's own time plus that of its terminated, reaped
 * children. A tick is counted once: a live child's time is not in its parent's cutime.
 */
export function treeTicks(stats: readonly ProcStat[]): number {
  return stats.reduce((sum, s) => sum + s.utime + s.stime + s.cutime + s.cstime, 0);
}

/**
 * CPU milliseconds the tree used between two snapshots. Totals are differenced (not process by
 * process), so a worker that exits inside the window and is reaped is still counted — its time
 * moves into its parent's cutime — and a process born in the window counts from zero.
 */
export function cpuMsBetween(start: readonly ProcStat[], end: readonly ProcStat[], ticksPerSecond: number): number {
  return ((treeTicks(end) - treeTicks(start)) * 1000) / ticksPerSecond;
}

/** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
let clkTck: number | undefined;
export function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

const readOr = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process is gone
  }
};

/** Every process's parent, from /proc. */
function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const text = readOr(`/proc/${d}/stat`);
    if (text) parents.set(Number(d), parseProcStat(text).ppid);
  }
  return parents;
}

/** The pids of a process tree now. */
export function treePids(root: number): number[] {
  return descendantsOf(root, parentMap());
}

/** /proc stat of each live process of the tree. */
export function snapshotTree(root: number): ProcStat[] {
  return treePids(root).flatMap((pid) => {
    const text = readOr(`/proc/${pid}/stat`);
    return text ? [parseProcStat(text)] : [];
  });
}

/** RSS in kB of each live process of the tree. */
export function rssOfTree(root: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of treePids(root)) {
    const text = readOr(`/proc/${pid}/status`);
    if (text) out.set(pid, parseVmRssKb(text));
  }
  return out;
}

export interface RssPeak {
  /** Highest sum of the tree's RSS seen, MB. */
  peakTotalMb: number;
  /** Highest RSS of any one process of the tree, MB (a cluster worker, or the only process). */
  peakProcessMb: number;
  /** Every process seen in the tree (a tsx-run gateway has esbuild's service process too). */
  processes: number;
  /** Of these, Node processes (the same executable as `nodeExecutable`): the primary and its workers. */
  nodeProcesses: number;
  /** Each process seen: command name and its own peak RSS, MB. */
  perProcess: { pid: number; comm: string; node: boolean; peakMb: number }[];
}

/**
 * Sample a process tree's RSS every `intervalMs` from now until stop(); the tree is re-read at
 * every sample, so workers forked later are included.
 */
export function sampleRss(root: number, intervalMs = 200, nodeExecutable = process.execPath): { stop(): RssPeak; peek(): RssPeak } {
  let peakTotalKb = 0;
  const seen = new Map<number, { comm: string; node: boolean; peakKb: number }>();
  let nodeExe: string;
  try {
    nodeExe = realpathSync(nodeExecutable);
  } catch {
    nodeExe = nodeExecutable;
  }
  const sample = () => {
    const rss = rssOfTree(root);
    let total = 0;
    for (const [pid, kb] of rss) {
      total += kb;
      let entry = seen.get(pid);
      if (!entry) {
        const stat = readOr(`/proc/${pid}/stat`);
        let exe = '';
        try {
          exe = readlinkSync(`/proc/${pid}/exe`);
        } catch {
          /* gone, or not ours to read */
        }
        seen.set(pid, (entry = { comm: stat ? parseProcStat(stat).comm : '?', node: exe === nodeExe, peakKb: 0 }));
      }
      entry.peakKb = Math.max(entry.peakKb, kb);
    }
    peakTotalKb = Math.max(peakTotalKb, total);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  const peek = (): RssPeak => {
    const all = [...seen.entries()].map(([pid, e]) => ({ pid, comm: e.comm, node: e.node, peakMb: e.peakKb / 1024 }));
    return {
      peakTotalMb: peakTotalKb / 1024,
      peakProcessMb: Math.max(0, ...all.map((p) => p.peakMb)),
      processes: all.length,
      nodeProcesses: all.filter((p) => p.node).length,
      perProcess: all,
    };
  };
  return {
    peek,
    stop() {
      clearInterval(timer);
      sample();
      return peek();
    },
  };
}

/** CPU ms a process tree uses from now until stop(). */
export function measureCpu(root: number): { stop(): number } {
  const tck = ticksPerSecond();
  const start = snapshotTree(root);
  return { stop: () => cpuMsBetween(start, snapshotTree(root), tck) };
}
