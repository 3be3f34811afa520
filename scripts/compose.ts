/**
 * `npm run compose`         — compose every subgraph's SDL into schema/supergraph.graphql.
 * `npm run compose -- --check` — CI: fail on a composition error, on a committed supergraph that
 * differs from what compose produces, and on a breaking change that no acknowledgement file covers.
 *
 * Breaking changes are judged commit by commit over the supergraph's history (and for the working
 * tree against HEAD): each must be quoted in a file under schema/breaking-changes/ that the same
 * change adds. Any later clone can re-check the whole history, so CI needs no base branch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ACK_DIR, SUPERGRAPH_PATH, breakingChanges, compose, hubSubgraphs, unacknowledged } from './lib/supergraph.js';

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const tryGit = (...args: string[]): string | null => {
  try {
    return git(...args);
  } catch {
    return null;
  }
};

function fail(lines: string[]): never {
  for (const line of lines) console.error(line);
  process.exit(1);
}

const result = compose(hubSubgraphs());
if (!result.ok) fail(['Composition failed:', ...result.errors.map((e) => `  ${e}`)]);
const composed = result.supergraphSdl + '\n';

if (!process.argv.includes('--check')) {
  writeFileSync(SUPERGRAPH_PATH, composed);
  console.log(`Wrote ${SUPERGRAPH_PATH} (${composed.length} bytes)`);
  process.exit(0);
}

const problems: string[] = [];
const committed = existsSync(SUPERGRAPH_PATH) ? readFileSync(SUPERGRAPH_PATH, 'utf8') : '';
if (committed !== composed) problems.push(`${SUPERGRAPH_PATH} is not what compose produces: run \`npm run compose\` and commit it.`);

interface Step { label: string; before: string; after: string; acks: string[] }
const steps: Step[] = [];
const history = (tryGit('log', '--format=%H', '--reverse', '--', SUPERGRAPH_PATH) ?? '').split('\n').filter(Boolean);
const addedAcks = (range: string[]) =>
  (tryGit('diff', '--name-only', '--diff-filter=A', ...range, '--', ACK_DIR) ?? '').split('\n').filter(Boolean);
for (let i = 1; i < history.length; i++) {
  const [prev, commit] = [history[i - 1]!, history[i]!];
  // Acknowledgements may land in any commit between the two supergraph versions.
  const acks = addedAcks([prev, commit]).map((f) => tryGit('show', `${commit}:${f}`) ?? '');
  steps.push({ label: `commit ${commit.slice(0, 10)}`, before: git('show', `${prev}:${SUPERGRAPH_PATH}`), after: git('show', `${commit}:${SUPERGRAPH_PATH}`), acks });
}
const head = tryGit('show', `HEAD:${SUPERGRAPH_PATH}`);
if (head !== null && head !== composed) {
  const untracked = (tryGit('ls-files', '--others', '--exclude-standard', '--', ACK_DIR) ?? '').split('\n').filter(Boolean);
  const acks = [...addedAcks(['HEAD']), ...untracked].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : ''));
  steps.push({ label: 'working tree', before: head, after: composed, acks });
}
for (const step of steps) {
  const missing = unacknowledged(breakingChanges(step.before, step.after), step.acks);
  if (missing.length) {
    problems.push(
      `Breaking change(s) in ${step.label} without an acknowledgement — add a file under ${ACK_DIR}/ in the same change, saying why, and quoting:`,
      ...missing.map((m) => `  ${m}`),
    );
  }
}
if (problems.length) fail(problems);
console.log(`Supergraph OK: composes, matches ${SUPERGRAPH_PATH}, ${steps.length} change(s) checked for breaking changes.`);
