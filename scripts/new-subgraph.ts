/**
 * `npm run new:subgraph -- <name>` — a new subgraph, as one folder: subgraphs/<name>/ with its SDL
 * (one entity that belongs to a hospital), Prisma schema and first migration, declaration, context,
 * loaders, repository, resolvers, seed and a unit test (scripts/lib/scaffold/). It adds the
 * subgraph's line to subgraphs/registry.ts, generates its code, and recomposes the supergraph and
 * docker-compose.yml. Then: `npm test` (or `npx vitest run subgraphs/<name>`) and grow the domain.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot, subgraphPaths } from '#platform/paths.js';
import { scaffoldNames } from './lib/scaffold/names.js';
import { addToRegistry, freePort } from './lib/scaffold/registry-file.js';
import { scaffoldFiles } from './lib/scaffold/templates.js';

const name = process.argv[2];
if (!name || process.argv.length > 3) {
  console.error('usage: npm run new:subgraph -- <name>   (lower case, e.g. procurement)');
  process.exit(2);
}
try {
  const names = scaffoldNames(name);
  const paths = subgraphPaths(name);
  if (existsSync(paths.folder)) throw new Error(`${path.relative(repoRoot, paths.folder)} already exists`);
  const registryFile = path.join(repoRoot, 'subgraphs', 'registry.ts');
  const registrySource = readFileSync(registryFile, 'utf8');
  const { registry } = await import('../subgraphs/registry.js');
  const port = freePort(registry.map((s) => s.port));
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  for (const [file, content] of Object.entries(scaffoldFiles(names, { folder: `${stamp}_init` }))) {
    const target = path.join(paths.folder, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content.replace('__PORT__', String(port)));
  }
  writeFileSync(registryFile, addToRegistry(registrySource, name));
  // In the house format (npm run lint checks it), like every other file.
  execFileSync(
    process.execPath,
    [createRequire(import.meta.url).resolve('prettier/bin/prettier.cjs'), '--write', '--log-level', 'warn', paths.folder, registryFile],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  console.log(`wrote subgraphs/${name}/ (port ${port}) and its line in subgraphs/registry.ts`);
  // A fresh process each: the registry module above was loaded before the new line existed.
  const tsx = (script: string, ...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: 'inherit' });
  tsx('scripts/generate.ts');
  tsx('scripts/compose.ts');
  console.log(`\nNext: npx vitest run subgraphs/${name}   then grow subgraphs/${name}/${name}.graphql and prisma/schema.prisma`);
  console.log(`(a schema change: npm run prisma -- ${name} migrate dev --name <change>; then npm run generate && npm run compose).`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
