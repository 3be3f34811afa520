import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/*
 * PGlite is ONE PostgreSQL backend (one session) shared by every socket connection that
 * pglite-socket accepts. pglite-socket 0.2.17 feeds it one wire message at a time from whichever
 * connection is next in its queue and only keeps a connection's messages together inside an
 * explicit BEGIN. Two pools running extended-protocol queries (Parse/Bind/Execute/Sync each a
 * separate message) therefore overwrite each other's unnamed statement and portal: protocol
 * errors AND silently wrong rows (measured: 8 wrong, 145 errors in 600 operations).
 *
 * SessionScheduler replaces pglite-socket's queue. A connection owns the session from its first
 * message until the backend says ReadyForQuery ('Z') with status 'I' (idle). 'T'/'E' mean an
 * explicit transaction is open (or failed), so ownership continues until COMMIT/ROLLBACK.
 * Because the session is shared, session settings leak between connections too (measured:
 * `SET search_path` on one connection is seen by every other one, and startup `options` are
 * ignored). The scheduler remembers each connection's search_path and puts it back whenever
 * ownership passes to that connection. Other session state (SET ROLE, other GUCs, named
 * prepared statements, temp tables) is still shared — callers must not rely on it.
 * It also refuses COPY ... FROM STDIN, which would block PGlite (and the Node process) forever.
 */

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S' Sync
const [QUERY, PARSE, READY] = [0x51, 0x50, 0x5a]; // 'Q', 'P', 'Z'
const IDLE = 0x49; // 'I'

type Job =
  | {
      kind: 'message';
      id: number;
      message: Uint8Array;
      onData: (d: Uint8Array) => void;
      resolve: (n: number) => void;
      reject: (e: Error) => void;
    }
  | { kind: 'abort'; id: number; resolve: () => void };

/** What we know of one client connection's view of the shared session. */
class Connection {
  searchPath: string;
  /** Set when a message may have changed search_path: read it back when ownership ends. */
  touchedSearchPath = false;
  /** Backend-message framing, carried across output chunks, to find ReadyForQuery. */
  private header: number[] = [];
  private skip = 0;
  readyStatus: number | null = null;

  constructor(searchPath: string) {
    this.searchPath = searchPath;
  }

  scanOutput(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        if (this.header[0] === READY && this.header.length === 5) this.readyStatus = chunk[i]!;
        this.skip -= n;
        i += n;
        if (this.skip === 0) this.header = [];
        continue;
      }
      this.header.push(chunk[i++]!);
      if (this.header.length === 5) {
        const [, a, b, c, d] = this.header as [number, number, number, number, number];
        this.skip = ((a << 24) | (b << 16) | (c << 8) | d) - 4;
        if (this.skip <= 0) {
          this.skip = 0;
          this.header = [];
        }
      }
    }
  }
}

export class SessionScheduler {
  private queue: Job[] = [];
  private owner: number | null = null;
  private running = false;
  private drained: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly conns = new Map<number, Connection>();

  private constructor(
    private readonly db: PGlite,
    private readonly log: (msg: string) => void,
    private readonly defaultSearchPath: string,
    private sessionSearchPath: string,
  ) {}

  static async create(db: PGlite, log: (msg: string) => void = () => {}): Promise<SessionScheduler> {
    const path = await currentSearchPath(db);
    return new SessionScheduler(db, log, path, path);
  }

  /** Swap pglite-socket's own queue for this one (same duck-typed interface, private field). */
  install(server: PGLiteSocketServer): void {
    const target = server as unknown as Record<string, unknown>;
    if (!('queryQueue' in target)) {
      throw new Error('pglite-socket internals changed (no queryQueue); re-check embedded-session.ts');
    }
    target['queryQueue'] = this;
  }

  // ---- the interface PGLiteSocketHandler calls ----

  enqueue(id: number, message: Uint8Array, onData: (d: Uint8Array) => void): Promise<number> {
    if (this.closed) return Promise.reject(new Error('embedded database is stopping'));
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'message', id, message, onData, resolve, reject });
      this.pump();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(id: number): void {
    this.queue = this.queue.filter((job) => {
      if (job.kind !== 'message' || job.id !== id) return true;
      job.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** Called when a connection goes away: if it still owns the session, end its work and release. */
  async clearTransactionIfNeeded(id: number): Promise<void> {
    if (this.owner !== id || this.closed) {
      this.conns.delete(id);
      return;
    }
    await new Promise<void>((resolve) => {
      this.queue.push({ kind: 'abort', id, resolve });
      this.pump();
    });
  }

  /** Let the job in progress finish, refuse the rest; call before PGlite.close(). */
  async close(): Promise<void> {
    this.closed = true;
    await this.drained;
    for (const job of this.queue.splice(0)) {
      if (job.kind === 'message') job.reject(new Error('embedded database is stopping'));
      else job.resolve();
    }
  }

  // ---- scheduling ----

  private pump(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.drained = this.drain();
  }

  private async drain(): Promise<void> {
    // `running` is cleared in the same tick as the last empty next(), so an enqueue() that comes
    // later always starts a new drain.
    try {
      while (!this.closed) {
        const job = this.next();
        if (!job) break;
        await this.run(job);
      }
    } finally {
      this.running = false;
    }
  }

  /** The owner's next job, or — when nobody owns the session — the oldest job of anyone. */
  private next(): Job | undefined {
    const i = this.owner === null ? 0 : this.queue.findIndex((j) => j.id === this.owner);
    return i < 0 ? undefined : this.queue.splice(i, 1)[0];
  }

  private conn(id: number): Connection {
    let c = this.conns.get(id);
    if (!c) this.conns.set(id, (c = new Connection(this.defaultSearchPath)));
    return c;
  }

  private async run(job: Job): Promise<void> {
    if (job.kind === 'abort') {
      try {
        if (this.owner === job.id) await this.abortOwner();
      } catch (err) {
        this.log(`could not clean up after a disconnected client: ${String(err)}`);
      } finally {
        if (this.owner === job.id) this.owner = null;
        this.conns.delete(job.id);
        job.resolve();
      }
      return;
    }
    const conn = this.conn(job.id);
    try {
      if (this.owner === null) {
        this.owner = job.id;
        if (conn.searchPath !== this.sessionSearchPath) await this.setSearchPath(conn.searchPath);
      }
      const sql = sqlText(job.message);
      if (SEARCH_PATH.test(sql)) conn.touchedSearchPath = true;
      const message = COPY_FROM_STDIN.test(sql) ? refuseCopy(job.message) : job.message;
      conn.readyStatus = null;
      let bytes = 0;
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            bytes += data.length;
            conn.scanOutput(data);
            job.onData(data);
          },
        }),
      );
      if (conn.readyStatus === IDLE) await this.release(conn);
      job.resolve(bytes);
    } catch (err) {
      // PGlite itself failed (SQL errors come back as protocol messages instead). The handler
      // drops the socket, and clearTransactionIfNeeded() then releases the session.
      this.log(`embedded database failed on a client message: ${String(err)}`);
      job.reject(err as Error);
    }
  }

  private async release(conn: Connection): Promise<void> {
    if (conn.touchedSearchPath) {
      conn.searchPath = this.sessionSearchPath = await currentSearchPath(this.db);
      conn.touchedSearchPath = false;
    }
    this.owner = null;
  }

  /** The owner went away mid-work: end its extended-protocol cycle, roll back its transaction. */
  private async abortOwner(): Promise<void> {
    const probe = new Connection('');
    await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: (d) => probe.scanOutput(d) }));
    if (probe.readyStatus !== IDLE) await this.db.exec('ROLLBACK');
    this.sessionSearchPath = await currentSearchPath(this.db);
    this.owner = null;
  }

  private async setSearchPath(path: string): Promise<void> {
    // Runs on every hand-over between pools with different schemas, so a raw simple query rather
    // than PGlite's heavier query(). The value came from current_setting(), so it is valid; only
    // its quotes need doubling. Not execProtocolRaw: PGlite would send its output to the last
    // stream's onRawData, i.e. some client's socket.
    const sql = `SELECT pg_catalog.set_config('search_path', '${path.replaceAll("'", "''")}', false)\0`;
    const message = frame(QUERY, Buffer.from(sql));
    await this.db.runExclusive(() => this.db.execProtocolRawStream(message, { onRawData: () => {} }));
    this.sessionSearchPath = path;
  }
}

async function currentSearchPath(db: PGlite): Promise<string> {
  const { rows } = await db.query<{ p: string }>(`SELECT current_setting('search_path') AS p`);
  return rows[0]!.p;
}

// ---- looking into client messages ----

const SEARCH_PATH = /search_path|\breset\s+all\b|\bdiscard\s+all\b/i;
const COPY_FROM_STDIN = /(?:^|;)\s*copy\b[^;]*\bfrom\s+stdin\b/i;
// PGlite blocks the Node event loop for good on COPY ... FROM STDIN (it waits for CopyData it
// can never receive), freezing the whole hub. Let the backend itself raise a clear error instead,
// so its transaction state stays what the client is told.
const REFUSE_COPY = Buffer.from(
  "DO $refuse$ BEGIN RAISE EXCEPTION 'COPY FROM STDIN hangs the embedded database (PGlite): " +
    "load with multi-row INSERTs here, use COPY only on real PostgreSQL' " +
    "USING ERRCODE = 'feature_not_supported'; END $refuse$\0",
);

/** SQL carried by a simple Query or a Parse (latin1 is enough to spot ASCII keywords), else ''. */
function sqlText(message: Uint8Array): string {
  if (message[0] !== QUERY && message[0] !== PARSE) return '';
  return Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('latin1', 5);
}

function refuseCopy(message: Uint8Array): Uint8Array {
  const msg = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (msg[0] === QUERY) return frame(QUERY, REFUSE_COPY);
  // Parse: statement name \0, query \0, parameter types — keep all but the query
  const nameEnd = msg.indexOf(0, 5) + 1;
  const queryEnd = msg.indexOf(0, nameEnd) + 1;
  return frame(PARSE, Buffer.concat([msg.subarray(5, nameEnd), REFUSE_COPY, msg.subarray(queryEnd)]));
}

function frame(type: number, body: Buffer): Uint8Array {
  const out = Buffer.alloc(5 + body.length);
  out[0] = type;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
