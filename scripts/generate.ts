/**
 * `npm run generate` — every generation step, explicitly (npm 11 skips dependencies' install
 * scripts): the Prisma client of each subgraph (through the offline schema-engine stand-in)
 * and the resolver types from each subgraph's SDL.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { subgraphNames } from '../subgraphs/names.js';

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' } });

const started = performance.now();
for (const name of subgraphNames) {
  const config = `prisma/${name}/prisma.config.ts`;
  if (existsSync(config)) run('npx', ['prisma', 'generate', '--config', config]);
}
run('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent']);
console.log(`generated Prisma clients and resolver types for ${subgraphNames.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
