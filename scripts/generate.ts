/**
 * `npm run generate` — bring every subgraph's generated code up to date: its Prisma client and
 * its resolver types, each only when its inputs changed (scripts/lib/generation.ts). `npm start`,
 * `npm test`, `seed` and `bench` do the same by themselves.
 *   --force   regenerate everything
 *   --check   regenerate the resolver types and fail if they differ from what is committed (CI)
 */
import { execFileSync } from 'node:child_process';
import { registry } from '../subgraphs/registry.js';
import { ensureGenerated } from './lib/generation.js';

const check = process.argv.includes('--check');
const result = await ensureGenerated(registry, { force: check || process.argv.includes('--force') });
console.log(`generation: ${result.ran.length ? `ran ${result.ran.join(', ')}` : 'everything up to date'} (${result.seconds.toFixed(1)} s)`);
if (check) {
  const files = registry.map((s) => s.paths.resolverTypes);
  try {
    execFileSync('git', ['diff', '--exit-code', '--stat', '--', ...files], { stdio: 'inherit' });
  } catch {
    console.error('The committed resolver types are not what the SDL generates: run `npm run generate` and commit them.');
    process.exit(1);
  }
  console.log('resolver types: committed and current');
}
