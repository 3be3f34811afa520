import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The benchmarks' own package: what only the gateway race needs (the Hive Gateway CLI and its Rust
 * query planner), kept out of the hub's default install (docs/benchmarks.md, Install). A folder of
 * its own, holding no code: a package.json nearer than the root's would cut the code beside it off
 * from the root's `#common/*`, `#platform/*`… imports, which resolve against the nearest package.json.
 */
export const BENCH_DEPS_DIR = join(REPO_ROOT, 'bench', 'deps');

/** Written into node_modules after a successful install: the lockfile it was installed from. */
const STAMP = '.installed-lock.sha256';

export type BenchDepsState = 'missing' | 'stale' | 'current';

/** 'missing' (never installed, or the install did not finish), 'stale' (the lockfile changed since), or 'current'. */
export function benchDepsState(dir = BENCH_DEPS_DIR): BenchDepsState {
  const stamp = join(dir, 'node_modules', STAMP);
  if (!existsSync(stamp)) return 'missing';
  return readFileSync(stamp, 'utf8').trim() === lockHash(dir) ? 'current' : 'stale';
}

/**
 * Installs the bench package from its committed lockfile unless it is already current:
 * `npm ci --prefix <dir> --ignore-scripts` (the same packages every time, and no install script
 * runs, so nothing but registry packages is downloaded). Throws if npm fails; the stamp is written
 * only after a complete install, so an interrupted one is redone next time.
 */
export function ensureBenchDeps(dir = BENCH_DEPS_DIR, log: (line: string) => void = (line) => console.log(line)): BenchDepsState {
  const state = benchDepsState(dir);
  if (state === 'current') return state;
  const rel = relative(process.cwd(), dir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
  const args = ['ci', '--prefix', shown, '--ignore-scripts', '--no-audit', '--no-fund'];
  log(
    `${shown}: ${state === 'missing' ? 'not installed yet' : 'its package-lock.json changed since it was installed'}; installing the benchmarks' own packages (npm ${args.join(' ')}), once — the hub's default install does not include them`,
  );
  const run = spawnSync('npm', args, { stdio: 'inherit' });
  if (run.error) throw new Error(`${shown}: could not run npm: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`${shown}: npm ${args.join(' ')} failed (exit ${run.status ?? run.signal}); see its output above`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', STAMP), `${lockHash(dir)}\n`);
  return state;
}

/** The file `specifier` resolves to from the bench package (its node_modules, not the hub's). */
export function resolveBenchPackage(specifier: string, dir = BENCH_DEPS_DIR): string {
  return createRequire(join(dir, 'package.json')).resolve(specifier);
}

/** The path of `bin` (a command a package installs, e.g. `hive-gateway`) inside the bench package's copy of `pkg`. */
export function benchPackageBin(pkg: string, bin: string, dir = BENCH_DEPS_DIR): string {
  const manifestPath = resolveBenchPackage(`${pkg}/package.json`, dir);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
  const target = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  if (!target) throw new Error(`${pkg} (${manifestPath}) has no bin "${bin}"`);
  return join(dirname(manifestPath), target);
}

function lockHash(dir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(dir, 'package-lock.json')))
    .digest('hex');
}
