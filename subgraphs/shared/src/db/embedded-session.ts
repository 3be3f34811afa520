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
 */

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S' Sync
const COPY_FAIL = new Uint8Array([0x66, 0, 0, 0, 5, 0]); // 'f' CopyFail(""), ignored outside COPY
const [QUERY, PARSE, READY] = [0x51, 0x50, 0x5a]; // 'Q', 'P', 'Z'
const IDLE = 0x49; // 'I'

type Job =
  | { kind: 'message'; id: number; message: Uint8Array; onData: (d: Uint8Array) => void;
      resolve: (n: number) => void; reject: (e: Error) => void }
  | { kind: 'abort'; id: number; resolve: () => void };

/** What we know of one client connection's view of the shared session. */
class Connection {
  searchPath: string;
  /** Set when a message mentioned search_path: snapshot the setting when ownership ends. */
  touchedSearchPath = false;
  /** Backend-message framing, carried across output chunks, to find ReadyForQuery. */
  private header: number[] = [];
  private skip = 0;
  readyStatus: number | null = null;

  constructor(searchPath: string) { this.searchPath = searchPath; }

  scanOutput(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; ) {
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
        if (this.skip <= 0) { this.skip = 0; this.header = []; }
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

  private constructor(private readonly db: PGlite, private readonly log: (msg: string) => void,
                      private readonly defaultSearchPath: string, private sessionSearchPath: string) {}

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

  getQueueLength(): number { return this.queue.length; }

  clearQueueForHandler(id: number): void {
    this.queue = this.queue.filter((job) => {
      if (job.kind !== 'message' || job.id !== id) return true;
      job.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** Called when a connection goes away: if it still owns the session, end its work and release. */
  async clearTransactionIfNeeded(id: number): Promise<void> {
    if (this.owner !== id || this.closed) { this.conns.delete(id); return; }
    await new Promise<void>((resolve) => { this.queue.push({ kind: 'abort', id, resolve }); this.pump(); });
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
      const type = job.message[0];
      if ((type === QUERY || type === PARSE) && mentionsSearchPath(job.message)) conn.touchedSearchPath = true;
      conn.readyStatus = null;
      let bytes = 0;
      await this.db.runExclusive(() => this.db.execProtocolRawStream(job.message, {
        onRawData: (data) => { bytes += data.length; conn.scanOutput(data); job.onData(data); },
      }));
      if (conn.readyStatus === IDLE) await this.release(conn);
      job.resolve(bytes);
    } catch (err) {
      // PGlite itself failed (not an SQL error — those come back as protocol messages). The
      // handler will drop the socket, and clearTransactionIfNeeded() then releases the session.
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

  /** The owner disconnected mid-work: leave any COPY, finish the extended-protocol cycle, roll back. */
  private async abortOwner(): Promise<void> {
    const probe = new Connection('');
    await this.db.runExclusive(async () => {
      for (const msg of [COPY_FAIL, SYNC]) {
        await this.db.execProtocolRawStream(msg, { onRawData: (d) => probe.scanOutput(d) });
      }
    });
    if (probe.readyStatus !== IDLE) await this.db.exec('ROLLBACK');
    this.sessionSearchPath = await currentSearchPath(this.db);
    this.owner = null;
  }

  private async setSearchPath(path: string): Promise<void> {
    await this.db.query(`SELECT set_config('search_path', $1, false)`, [path]);
    this.sessionSearchPath = path;
  }
}

async function currentSearchPath(db: PGlite): Promise<string> {
  const { rows } = await db.query<{ p: string }>(`SELECT current_setting('search_path') AS p`);
  return rows[0]!.p;
}

const SEARCH_PATH = /search_path/i;
function mentionsSearchPath(message: Uint8Array): boolean {
  return SEARCH_PATH.test(Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('latin1'));
}
