import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '#platform/paths.js';
import { createTestDatabase } from '#platform/db/test-database.js';

/**
 * "Adding a subgraph" (docs/architecture.md) is one command: in a throwaway copy of this checkout,
 * `npm run new:subgraph -- sample` writes the folder and its registry line, and the result, without
 * a hand edit, typechecks, composes (supergraph and compose file current), passes the Prisma CLI's
 * migration checks, passes its own unit test, and is served through the gateway with the access
 * rules enforced — the copy's derived access matrix (tests/access.e2e.ts) covers its root fields.
 */
let copy: string;

/** Run a command in the copy; resolves with its exit code and output (never throws). */
function inCopy(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: copy, timeout: 600_000, maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}\n${stderr}` });
      },
    );
  });
}
const tsx = (script: string, ...args: string[]) => inCopy(process.execPath, ['--import', 'tsx', script, ...args]);

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'ih-scaffold-'));
  // The checkout as git sees it (tracked and new files, nothing ignored), with this checkout's node_modules.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = path.join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    cpSync(from, path.join(copy, file));
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
});
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:subgraph', () => {
  it('writes subgraphs/sample/ and its registry line, generates its code and recomposes', async () => {
    const res = await tsx('scripts/new-subgraph.ts', 'sample');
    expect(res.code, res.output).toBe(0);
    for (const file of [
      'sample.graphql',
      'prisma/schema.prisma',
      'src/subgraph.ts',
      'src/repository.ts',
      'src/loaders.ts',
      'src/seed/index.ts',
      'src/sample.test.ts',
      'src/__generated__/resolvers-types.ts',
    ]) {
      expect(existsSync(path.join(copy, 'subgraphs/sample', file)), file).toBe(true);
    }
    expect(readFileSync(path.join(copy, 'subgraphs/registry.ts'), 'utf8')).toMatch(
      /const subgraphs = \[directory, procurement, sample, audit\] as const;/,
    );
    expect(readFileSync(path.join(copy, 'schema/supergraph.graphql'), 'utf8')).toMatch(
      /SAMPLE @join__graph\(name: "sample", url: "http:\/\/localhost:4003\/graphql"\)/,
    );
    expect(readFileSync(path.join(copy, 'docker-compose.yml'), 'utf8')).toContain('scripts/start-subgraph.ts sample');
    // A second run refuses to overwrite it.
    expect((await tsx('scripts/new-subgraph.ts', 'sample')).code).toBe(1);
  });

  it('typechecks and lints clean, and the supergraph and compose file are what the registry produces', async () => {
    const typecheck = await inCopy(process.execPath, [path.join(copy, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.']);
    expect(typecheck.code, typecheck.output).toBe(0);
    const lint = await inCopy(process.execPath, [
      path.join(copy, 'node_modules/eslint/bin/eslint.js'),
      'subgraphs/sample',
      'subgraphs/registry.ts',
    ]);
    expect(lint.code, lint.output).toBe(0);
    const format = await inCopy(process.execPath, [
      path.join(copy, 'node_modules/prettier/bin/prettier.cjs'),
      '--check',
      'subgraphs/sample/**/*.ts',
      'subgraphs/registry.ts',
    ]);
    expect(format.code, format.output).toBe(0);
    const composed = await tsx('scripts/compose.ts', '--check');
    expect(composed.code, composed.output).toBe(0);
  });

  it('its migration is what Prisma makes of its schema (the CLI checks, offline)', async () => {
    const res = await inCopy('bash', ['scripts/db-check.sh']);
    expect(res.code, res.output).toBe(0);
    expect(res.output).toContain('db-check passed: directory procurement sample audit');
  });

  it("migrates and seeds with the hub: its seed builds on the directory's facts", async () => {
    const database = await createTestDatabase({ subgraphs: [] });
    try {
      const res = await inCopy(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--scale', 'city'], {
        DATABASE_URL: database.adminUrl,
      });
      expect(res.code, res.output).toBe(0);
      const counts = JSON.parse(res.output.slice(res.output.indexOf('{'), res.output.lastIndexOf('}') + 1)) as {
        counts: Record<string, Record<string, number>>;
      };
      expect(counts.counts.sample).toEqual({ record: counts.counts.directory!.hospitals! * 5 });
    } finally {
      await database.drop();
    }
  });

  it('passes its own unit test, and is served through the gateway under the derived access matrix', async () => {
    const res = await inCopy(process.execPath, [
      path.join(copy, 'node_modules/vitest/vitest.mjs'),
      'run',
      'subgraphs/sample',
      'tests/access.e2e.ts',
      '-t',
      'sample|every root field',
      '--reporter=verbose',
    ]);
    expect(res.code, res.output).toBe(0);
    expect(res.output).toMatch(/sample subgraph/);
    expect(res.output).toMatch(/queries: allowed roles get an answer/);
    expect(res.output).not.toMatch(/skipped.*queries/);
  });
});
