import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SessionScheduler } from './embedded-session.js';

/*
 * The default database for `npm start` without DATABASE_URL: real PostgreSQL compiled to WASM
 * (PGlite), served on loopback by pglite-socket so the subgraphs use the same `pg` driver and
 * Prisma adapter as in production. Data lives in a folder, so a restart keeps it.
 *
 * Known limits (docs/architecture.md, "Data": the embedded default), all acceptable for development:
 *  - ONE PostgreSQL session serves every connection: SessionScheduler (embedded-session.ts) hands
 *    it to one connection at a time, for a whole transaction, and restores each connection's
 *    search_path. A connection idle inside BEGIN blocks everybody until it commits.
 *  - COPY ... FROM STDIN blocks PGlite, and with it this whole Node process, for good. Bulk
 *    loaders must use multi-row INSERTs here (COPY only on real PostgreSQL); the scheduler turns
 *    a COPY FROM STDIN into an error (SQLSTATE 0A000) instead of a freeze. COPY TO STDOUT works.
 *  - The startup user/password are ignored and SET ROLE is global: role isolation cannot be
 *    shown on the embedded database — prove it on real PostgreSQL.
 *  - ~300 operations/s (PostgreSQL: ~1,400); raise Prisma's interactive-transaction maxWait.
 */

export interface EmbeddedPostgres {
  /** postgresql://postgres@<host>:<port>/postgres */
  url: string;
  port: number;
  /** Close the server and shut PostgreSQL down cleanly, so the data folder is consistent. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  log?: (msg: string) => void;
}

// Four subgraph pools of 10 plus migrations and tooling; pglite-socket answers a connection over
// the limit with a raw text line that pg reports as a confusing protocol error.
const MAX_CONNECTIONS = 100;
const LOCK_FILE = 'hub-embedded.lock';
const EMBEDDED_SETTINGS = ['shared_buffers = 16MB', 'work_mem = 4MB', 'maintenance_work_mem = 16MB', 'wal_buffers = 1MB'];

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  let scheduler: SessionScheduler | undefined;
  const shutdown = async () => {
    await server?.stop();
    await scheduler?.close();
    if (db && !db.closed) await db.close();
    await unlock();
  };

  try {
    const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
    const started = Date.now();
    if (fresh) await initDataDir(dataDir);
    // PostgreSQL's defaults assume a dedicated server; the embedded one shares the hub's process.
    db = new PGlite(dataDir, { postgresqlconf: EMBEDDED_SETTINGS });
    await db.waitReady;
    scheduler = await SessionScheduler.create(db, log);
    server = new PGLiteSocketServer({ db, host, port: opts.port ?? 0, maxConnections: MAX_CONNECTIONS });
    scheduler.install(server);
    await server.start();
    const conn = server.getServerConn();
    const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
    const url = `postgresql://postgres@${host.includes(':') ? `[${host}]` : host}:${port}/postgres`;
    log(
      `embedded PostgreSQL (PGlite) ${fresh ? 'created' : 'opened'} in ${dataDir} ` + `in ${Date.now() - started} ms, listening on ${url}`,
    );

    let stopping: Promise<void> | undefined;
    return { url, port, stop: () => (stopping ??= shutdown()) };
  } catch (err) {
    await shutdown().catch(() => {});
    throw err;
  }
}

/** initdb in a child process (embedded-initdb.mjs), so its memory is not kept by the hub. */
async function initDataDir(dataDir: string): Promise<void> {
  const script = fileURLToPath(new URL('./embedded-initdb.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, dataDir, JSON.stringify(EMBEDDED_SETTINGS)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`Creating the embedded database in ${dataDir} failed (exit ${code}): ${stderr.slice(-2000)}`);
}

/**
 * PGlite keeps no lock of its own that another process would see, and two instances writing one
 * folder corrupt it. The lock file holds our pid; a lock whose process is gone (a crash, kill -9)
 * is stale and taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (pid > 0 && isAlive(pid)) {
      throw new Error(
        `The embedded database folder ${dataDir} is already in use by process ${pid} ` +
          `(lock file ${file}). Stop the other hub first, or give this one another data folder ` +
          `or a DATABASE_URL.`,
      );
    }
    await rm(file, { force: true });
  }
  throw new Error(`Could not lock the embedded database folder ${dataDir} (${file} keeps reappearing).`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
