// Creates a PGlite data folder and exits (run as a child process by embedded.ts). initdb runs in a
// second, temporary PGlite instance and builds a tarball of the new cluster: a few hundred MB that a
// long-running hub would keep as resident memory. In a child process they are returned on exit.
import { PGlite } from '@electric-sql/pglite';

const [dataDir, settings] = process.argv.slice(2);
const db = new PGlite(dataDir, { postgresqlconf: JSON.parse(settings ?? '[]') });
await db.waitReady;
await db.close();
