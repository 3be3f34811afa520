import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A free loopback port for a child process to listen on (benchmarks start gateways as children). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Only what a child needs of this shell's environment (none of its DATABASE_URL and the like): reproducible runs. */
export function baseEnv(): Record<string, string> {
  return Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'USER'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last 64 kB of its stdout and stderr. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Child>();

/**
 * A Node child in its own process group (so a gateway's cluster workers and tsx's esbuild service go
 * with it), its last output kept for error messages; killed with this process whatever happens.
 */
export function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  onStdout?: (chunk: string) => void,
  cwd = REPO_ROOT,
): Child {
  const proc = spawn(process.execPath, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!proc.pid) throw new Error(`${name}: could not start`);
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-65_536);
  };
  proc.stdout.on('data', (chunk: Buffer) => {
    keep(chunk);
    onStdout?.(chunk.toString());
  });
  proc.stderr.on('data', keep);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  const pid = proc.pid;
  const child: Child = {
    name,
    proc,
    pid,
    output: () => out,
    exited,
    isRunning: () => running,
    async stop(graceMs = 10_000) {
      if (running) {
        signal(pid, 'SIGTERM'); // the leader first: it shuts its workers down (and writes --cpu-prof files)
        const timer = new Promise((r) => setTimeout(r, graceMs).unref());
        await Promise.race([exited, timer]);
      }
      signal(-pid, 'SIGKILL'); // whatever is left of the group
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
      live.delete(child);
    },
  };
  live.add(child);
  return child;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Kill every child still running, at once (on exit and on a failure). */
export function killAllNow(): void {
  for (const c of live) signal(-c.pid, 'SIGKILL');
  live.clear();
}
process.on('exit', killAllNow);

/** Stop every child still running, each given `graceMs` to finish. */
export const stopAll = (graceMs: number): Promise<void[]> => Promise.all([...live].map((c) => c.stop(graceMs)));
