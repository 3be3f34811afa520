/**
 * Last step of `npm test`: reads vitest's JSON report and prints the plain closing line
 * `N passed, N failed` (CI reads it), failing when any test failed, none ran, or there is no report.
 */
import { existsSync, readFileSync } from 'node:fs';

const REPORT = '.tmp/vitest-results.json';
if (!existsSync(REPORT)) {
  console.error(`no test report at ${REPORT}: vitest did not finish`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(REPORT, 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
};
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(report.success && report.numFailedTests === 0 && report.numPassedTests > 0 ? 0 : 1);
