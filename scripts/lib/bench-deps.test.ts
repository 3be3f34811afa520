import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_DEPS_DIR, benchDepsState, benchPackageBin, ensureBenchDeps, resolveBenchPackage } from './bench-deps.js';

interface Lock {
  packages: Record<string, { version?: string; link?: boolean; resolved?: string }>;
}
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/**
 * A bench package of its own in a temporary folder, with one local dependency (`file:`), so the real
 * `npm ci` runs without the registry: install on first use, nothing when current, again when the
 * lockfile changed, and a failing install reported and not stamped.
 */
describe('the bench package, installed on first use (npm ci from its lockfile)', () => {
  let dir: string;
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  const writePackage = (version: string) => {
    writeFileSync(join(dir, 'tool', 'package.json'), JSON.stringify({ name: 'tool', version, bin: { 'tool-cli': 'cli.js' } }));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'bench-deps-test', version: '1.0.0', private: true, dependencies: { tool: 'file:./tool' } }),
    );
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'pipe' });
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-deps-'));
    mkdirSync(join(dir, 'tool'));
    writeFileSync(join(dir, 'tool', 'cli.js'), 'console.log("tool");\n');
    writePackage('1.0.0');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is missing before its first install', () => {
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(benchDepsState(dir)).toBe('missing');
  });

  it('installs it, saying so with the command, and then finds its packages there', () => {
    expect(ensureBenchDeps(dir, log)).toBe('missing');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`npm ci --prefix ${dir} --ignore-scripts`);
    expect(lines[0]).toMatch(/not installed yet/);
    expect(benchDepsState(dir)).toBe('current');
    expect(realpathSync(benchPackageBin('tool', 'tool-cli', dir))).toBe(realpathSync(join(dir, 'tool', 'cli.js')));
    expect(() => benchPackageBin('tool', 'no-such-cli', dir)).toThrow(/has no bin "no-such-cli"/);
  }, 60_000);

  it('does nothing while the lockfile is the one it was installed from', () => {
    rmSync(join(dir, 'node_modules', 'tool'), { recursive: true, force: true }); // would come back from an install
    expect(ensureBenchDeps(dir, log)).toBe('current');
    expect(lines).toHaveLength(1);
    expect(existsSync(join(dir, 'node_modules', 'tool'))).toBe(false);
  });

  it('reinstalls when the lockfile changed since', () => {
    writePackage('1.1.0');
    expect(benchDepsState(dir)).toBe('stale');
    expect(ensureBenchDeps(dir, log)).toBe('stale');
    expect(lines[1]).toMatch(/package-lock\.json changed since it was installed/);
    expect(readJson<{ version: string }>(resolveBenchPackage('tool/package.json', dir)).version).toBe('1.1.0');
    expect(benchDepsState(dir)).toBe('current');
  }, 60_000);

  it("fails with npm's exit code when npm ci fails, and leaves the package to be installed again", () => {
    const lockPath = join(dir, 'package-lock.json');
    writeFileSync(lockPath, readFileSync(lockPath, 'utf8').slice(0, 40)); // a lockfile cut short: npm ci cannot read it
    expect(() => ensureBenchDeps(dir, () => {})).toThrow(/npm ci --prefix .* failed \(exit \d+\)/);
    expect(benchDepsState(dir)).toBe('stale');
  }, 60_000);
});

/** The committed bench package next to the default install: what it adds, and that both run the same Hive runtime. */
describe('bench/deps and the default install', () => {
  const root = join(BENCH_DEPS_DIR, '..', '..');
  const rootManifest = readJson<{
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    overrides: Record<string, string>;
  }>(join(root, 'package.json'));
  const rootLock = readJson<Lock>(join(root, 'package-lock.json'));
  const benchManifest = readJson<{ dependencies: Record<string, string>; overrides: Record<string, string> }>(
    join(BENCH_DEPS_DIR, 'package.json'),
  );
  const benchLock = readJson<Lock>(join(BENCH_DEPS_DIR, 'package-lock.json'));

  it('the Hive Gateway CLI is in the bench package only', () => {
    expect({ ...rootManifest.dependencies, ...rootManifest.devDependencies }).not.toHaveProperty('@graphql-hive/gateway');
    expect(rootLock.packages).not.toHaveProperty(['node_modules/@graphql-hive/gateway']);
    expect(benchLock.packages['node_modules/@graphql-hive/gateway']?.version).toBe(benchManifest.dependencies['@graphql-hive/gateway']);
  });

  it('the CLI runs the Hive runtime and Rust planner versions that the conformance test runs, with the same overrides', () => {
    for (const name of [
      '@graphql-hive/gateway-runtime',
      '@graphql-hive/router-runtime',
      '@graphql-hive/router-query-planner',
      '@graphql-mesh/transport-http',
      '@graphql-tools/batch-execute',
      '@graphql-tools/delegate',
      '@graphql-mesh/fusion-runtime',
    ]) {
      const inRoot = rootLock.packages[`node_modules/${name}`]?.version;
      expect(inRoot, name).toBeDefined();
      expect(benchLock.packages[`node_modules/${name}`]?.version, name).toBe(inRoot);
    }
    expect(benchManifest.overrides).toMatchObject(rootManifest.overrides);
  });

  it("graphql is the hub's own copy (a link), so the hub code a CLI config loads shares the CLI's graphql", () => {
    expect(benchLock.packages['node_modules/graphql']).toMatchObject({ link: true, resolved: '../../node_modules/graphql' });
    expect(benchLock.packages['../../node_modules/graphql']?.version).toBe(rootLock.packages['node_modules/graphql']?.version);
    // No other copy anywhere in the tree (the override makes every dependant use the link).
    expect(Object.keys(benchLock.packages).filter((p) => /(^|\/)node_modules\/graphql$/.test(p))).toEqual([
      '../../node_modules/graphql',
      'node_modules/graphql',
    ]);
  });
});
