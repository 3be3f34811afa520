/**
 * `npm run prisma -- <subgraph> <command…>` — the Prisma CLI for one subgraph, e.g.
 * `npm run prisma -- directory migrate dev --name add_bed_count`. Offline: the CLI drives our Wasm
 * stand-in for its schema engine (prisma/engine/). The subgraph's own URL is `<NAME>_DATABASE_URL`,
 * else `DATABASE_URL` with `?schema=<name>` (prisma/engine/config.ts).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { subgraphPaths } from '#platform/paths.js';
import { prismaCliChildEnv } from '#prisma-engine/config.js';

const [name, ...args] = process.argv.slice(2);
if (!name || args.length === 0) {
  console.error('usage: npm run prisma -- <subgraph> <prisma command…>   e.g. npm run prisma -- directory migrate status');
  process.exit(2);
}
subgraphPaths(name); // refuses a malformed name before the CLI starts
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const child = spawn(process.execPath, [cli, ...args, '--config', 'prisma/prisma.config.ts'], {
  stdio: 'inherit',
  env: prismaCliChildEnv(process.env, name),
});
// A signal npm (or a terminal) sends this process goes on to the CLI — `prisma studio` is a server —
// and this process ends as the CLI does.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + constants.signals[signal] : 1)));
