import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/**
 * The Apollo Federation subgraph compatibility suite (23 tests) against the hub's gateway and a
 * products subgraph on the hub's platform: tests/compat/run.ts, run as its own process.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));

function runCompat(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, 'tests/compat/run.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('Apollo Federation subgraph compatibility: 23 of 23', async () => {
  const { code, output } = await runCompat();
  expect(output).toMatch(/^23 passed, 0 failed$/m);
  expect(code, output).toBe(0);
}, 180_000);
