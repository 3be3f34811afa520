// Database set-up for scripts/db-check.sh (the CI sequence of Prisma CLI checks).
//
//   tsx scripts/db-provision.ts setup <db> <shadowDb> [<svc>...]
//       creates both databases, provisions each subgraph's role and schema in <db> (provision.ts) —
//       every subgraph of the registry that has a database, unless some are named —
//       and lets the role create its schema in <shadowDb>; prints one line per subgraph:
//       <svc> <subgraph URL in db> <subgraph URL in shadowDb>
//   tsx scripts/db-provision.ts teardown <db>...
//       drops the databases (WITH (FORCE); missing ones are fine)
//
// Administrator connection: DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres.
import { onDatabase, runStatements } from '#prisma-engine/pg-admin.mjs';

import { provisionSubgraphSchema, subgraphRole, subgraphUrl } from '#platform/db/provision.js';
import { registry } from '../subgraphs/registry.js';

const adminUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

function checkName(name: string | undefined): string {
  if (!name || !DB_NAME.test(name)) throw new Error(`Invalid database name ${JSON.stringify(name)}`);
  return name;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'setup') {
    const [db, shadow, ...named] = rest;
    const subgraphs = named.length ? named : registry.filter((s) => s.database).map((s) => s.name);
    checkName(db);
    checkName(shadow);
    await runStatements(adminUrl, [`CREATE DATABASE ${ident(db!)}`, `CREATE DATABASE ${ident(shadow!)}`]);
    const dbUrl = onDatabase(adminUrl, db!);
    const shadowUrl = onDatabase(adminUrl, shadow!);
    for (const svc of subgraphs) {
      await provisionSubgraphSchema(dbUrl, svc);
      // the shadow database is scratch space the engine empties and refills: the role may create there
      await runStatements(shadowUrl, [`GRANT CONNECT, CREATE ON DATABASE ${ident(shadow!)} TO ${ident(subgraphRole(svc))}`]);
      process.stdout.write(`${svc} ${subgraphUrl(dbUrl, svc)} ${subgraphUrl(shadowUrl, svc)}\n`);
    }
  } else if (command === 'teardown') {
    await runStatements(
      adminUrl,
      rest.map((db) => `DROP DATABASE IF EXISTS ${ident(checkName(db))} WITH (FORCE)`),
    );
  } else {
    throw new Error('usage: db-provision.ts setup <db> <shadowDb> <svc>... | teardown <db>...');
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`db-provision: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
