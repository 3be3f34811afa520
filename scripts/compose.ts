/**
 * `npm run compose`         — what follows from the registry: every subgraph's SDL composed into
 *                             schema/supergraph.graphql, and docker-compose.yml.
 * `npm run compose -- --check` — CI: fail on a composition error, on a committed supergraph or
 * compose file that differs from what compose produces, and on a breaking change that no
 * acknowledgement file covers.
 *
 * Breaking changes are judged commit by commit over the supergraph's history (and for the working
 * tree against HEAD): each must be quoted in a file under schema/breaking-changes/ that the same
 * change adds. Any later clone can re-check the whole history, so CI needs no base branch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ACK_DIR, SUPERGRAPH_PATH, breakingChanges, compose, hubSubgraphs, unacknowledged } from './lib/supergraph.js';
import { renderComposeFile } from './lib/compose-file.js';
import { registry } from '../subgraphs/registry.js';

const COMPOSE_FILE = 'docker-compose.yml';

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
const composeFile = renderComposeFile(registry);

if (!process.argv.includes('--check')) {
  writeFileSync(SUPERGRAPH_PATH, composed);
  writeFileSync(COMPOSE_FILE, composeFile);
  console.log(`Wrote ${SUPERGRAPH_PATH} (${composed.length} bytes) and ${COMPOSE_FILE}`);
  process.exit(0);
}

const problems: string[] = [];
const current = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
if (current(SUPERGRAPH_PATH) !== composed)
  problems.push(`${SUPERGRAPH_PATH} is not what compose produces: run \`npm run compose\` and commit it.`);
if (current(COMPOSE_FILE) !== composeFile)
  problems.push(`${COMPOSE_FILE} is not what the registry produces: run \`npm run compose\` and commit it.`);

interface Step {
  label: string;
  before: string;
  after: string;
  acks: string[];
}
const steps: Step[] = [];
const history = (tryGit('log', '--format=%H', '--reverse', '--', SUPERGRAPH_PATH) ?? '').split('\n').filter(Boolean);
const addedAcks = (range: string[]) =>
  (tryGit('diff', '--name-only', '--diff-filter=A', ...range, '--', ACK_DIR) ?? '').split('\n').filter(Boolean);
for (let i = 1; i < history.length; i++) {
  const [prev, commit] = [history[i - 1]!, history[i]!];
  // Acknowledgements may land in any commit between the two supergraph versions.
  const acks = addedAcks([prev, commit]).map((f) => tryGit('show', `${commit}:${f}`) ?? '');
  steps.push({
    label: `commit ${commit.slice(0, 10)}`,
    before: git('show', `${prev}:${SUPERGRAPH_PATH}`),
    after: git('show', `${commit}:${SUPERGRAPH_PATH}`),
    acks,
  });
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
console.log(
  `Supergraph OK: composes, matches ${SUPERGRAPH_PATH}, ${steps.length} change(s) checked for breaking changes; ${COMPOSE_FILE} current.`,
);
