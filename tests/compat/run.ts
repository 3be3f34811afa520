/**
 * `npx tsx tests/compat/run.ts` — the Apollo Federation subgraph compatibility suite
 * (@apollo/federation-subgraph-compatibility 1.2.1) against the hub: our products subgraph on the
 * hub's subgraph platform, composed with the suite's inventory/users reference subgraphs and served
 * by the hub's gateway, all in this process on port 0. The suite's jest tests run in a child process
 * (tests/compat/jest.config.cjs) with PRODUCTS_URL and ROUTER_URL pointing at our servers.
 *
 * Prints each test's result, the per-feature table `fedtest` would print, and a last line
 * `N passed, N failed`. Exits 0 only when all of the suite's tests ran and passed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCompatStack } from './stack.js';
import { EXPECTED_TESTS, FEATURES, suiteDir } from './suite.js';

interface AssertionResult {
  ancestorTitles: string[];
  fullName: string;
  title: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled';
  failureMessages: string[];
}

interface JestJson {
  numRuntimeErrorTestSuites: number;
  testResults: { name: string; status: string; message: string; assertionResults: AssertionResult[] }[];
}

const JEST_TIMEOUT_MS = 90_000;
const jestConfig = fileURLToPath(new URL('./jest.config.cjs', import.meta.url));
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest', { paths: [suiteDir] });

function runJest(env: Record<string, string>, outputFile: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [jestBin, '--config', jestConfig, '--ci', '--json', '--outputFile', outputFile, '--colors=false'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), JEST_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** `fedtest`'s rule: a feature passes when no test under its describe (or test) name failed. */
function featurePassed(assertions: AssertionResult[], name: string): boolean {
  const mine = assertions.filter((a) => (a.ancestorTitles.length === 0 ? a.fullName : a.ancestorTitles[0]) === name);
  return mine.length > 0 && mine.every((a) => a.status === 'passed');
}

async function main(): Promise<number> {
  const started = Date.now();
  const stack = await startCompatStack();
  const workDir = mkdtempSync(join(tmpdir(), 'hub-compat-jest-'));
  try {
    console.log(`gateway (router) ${stack.routerUrl}`);
    for (const [name, url] of Object.entries(stack.subgraphUrls)) console.log(`subgraph ${name.padEnd(9)} ${url}`);

    const outputFile = join(workDir, 'results.json');
    const jest = await runJest({ ROUTER_URL: stack.routerUrl, PRODUCTS_URL: stack.subgraphUrls.products }, outputFile);
    let results: JestJson;
    try {
      results = JSON.parse(readFileSync(outputFile, 'utf8')) as JestJson;
    } catch {
      console.error(`jest produced no results (exit code ${jest.code}):\n${jest.stderr}`);
      console.log(`0 passed, ${EXPECTED_TESTS} failed`);
      return 1;
    }

    const assertions = results.testResults.flatMap((file) => file.assertionResults);
    console.log('\nTests');
    for (const a of assertions) {
      const name = [...a.ancestorTitles, a.title].join(' › ');
      console.log(`  ${a.status === 'passed' ? 'PASS' : 'FAIL'}  ${name}`);
      for (const message of a.failureMessages) console.log(message.replace(/^/gm, '        '));
    }
    for (const file of results.testResults) {
      if (file.assertionResults.length === 0 && file.message)
        console.log(`  FAIL  ${file.name}\n${file.message.replace(/^/gm, '        ')}`);
    }

    for (const version of [1, 2] as const) {
      console.log(`\nFederation v${version} compatibility (as fedtest reports it)`);
      for (const f of FEATURES.filter((x) => x.fedVersion === version)) {
        console.log(`  ${f.assertion.padEnd(18)} ${featurePassed(assertions, f.assertion) ? 'PASS' : f.required ? 'FAIL' : 'WARNING'}`);
      }
    }

    const passed = assertions.filter((a) => a.status === 'passed').length;
    const failed = assertions.length - passed + results.numRuntimeErrorTestSuites;
    const missing = Math.max(0, EXPECTED_TESTS - assertions.length);
    if (missing > 0) console.log(`\n${missing} of the suite's ${EXPECTED_TESTS} tests did not run`);
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    console.log(`${passed} passed, ${failed + missing} failed`);
    return passed === EXPECTED_TESTS && failed === 0 && missing === 0 ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
