// Prisma's schema engine (migrate / db push / diff / introspection) compiled to WebAssembly,
// driven through @prisma/adapter-pg — no native `schema-engine` binary needed (docs/architecture.md, "Data").
//
// Used by two callers, so the set-up lives here once:
//   - prisma/engine/schema-engine.mjs, the executable the Prisma CLI starts in place of the binary;
//   - subgraphs/shared/platform/db/migrate.ts, which applies migrations in process (measured: 0.1 s on a
//     fresh database, 0.02 s when up to date, against 1.3 s for `prisma migrate deploy`, 2 s by npx).
//
// Plain JavaScript (ESM) on purpose: the stand-in must run under `node` with no TypeScript loader.
// Types: wasm-engine.d.mts next to this file.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import pg from 'pg';

import { runStatements, withSchema } from './pg-admin.mjs';

const require = createRequire(import.meta.url);

/** Version of the schema engine the installed Prisma CLI expects (its commit hash). */
export const ENGINES_VERSION = /** @type {{ prisma: { enginesVersion: string } }} */ (require('@prisma/engines-version/package.json'))
  .prisma.enginesVersion;

// ---------------------------------------------------------------------------------------------
// Panics. The wasm-bindgen panic hook calls globalThis.PRISMA_WASM_PANIC_REGISTRY.set_message(msg)
// and the engine then traps (a WebAssembly RuntimeError, "unreachable"). Without a registry the
// hook itself throws a TypeError and the panic message is lost.

class WasmPanicRegistry {
  message = '';
  get() {
    return this.message;
  }
  /** Called by the Wasm panic hook. @param {string} value */
  set_message(value) {
    this.message = value;
  }
}

const panicRegistry = new WasmPanicRegistry();
/** @type {any} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY ??= panicRegistry;

/** Error thrown when the engine panicked; the Wasm instance should not be trusted afterwards. */
export class SchemaEnginePanic extends Error {
  /** @param {string} message @param {string | undefined} backtrace */
  constructor(message, backtrace) {
    super(message);
    this.name = 'SchemaEnginePanic';
    this.backtrace = backtrace ?? '';
  }
}

/**
 * Error from the engine: user-facing ones carry a Prisma error code (P3005, P1001, …) and meta.
 */
export class SchemaEngineError extends Error {
  /** @param {string} message @param {string | undefined} code @param {unknown} meta */
  constructor(message, code, meta) {
    super(message);
    this.name = 'SchemaEngineError';
    this.code = code;
    this.meta = meta;
  }
}

/**
 * Errors thrown by our adapter code that are not DriverAdapterErrors reach the engine as
 * "External error id#N" (driver-adapter-utils keeps them in the factory's registry): put the
 * original message next to it.
 * @param {Error} err @param {{ consumeError?(id: number): { error: unknown } | undefined } | undefined} registry
 */
function explainExternalErrors(err, registry) {
  if (!registry?.consumeError) return err;
  err.message = err.message.replace(/External error id#(\d+)/g, (match, id) => {
    const original = registry.consumeError?.(Number(id))?.error;
    if (original === undefined) return match;
    return `${match}: ${original instanceof Error ? original.message : String(original)}`;
  });
  return err;
}

/** @param {unknown} e */
function isWasmPanic(e) {
  return e instanceof Error && (e.name === 'RuntimeError' || e instanceof WebAssembly.RuntimeError);
}

/** @param {unknown} e @returns {Error} */
function normalizeEngineError(e) {
  if (isWasmPanic(e)) {
    const err = /** @type {Error} */ (e);
    const message = panicRegistry.get() || err.message;
    panicRegistry.message = '';
    return new SchemaEnginePanic(message, err.stack);
  }
  if (e instanceof Error) {
    const code = /** @type {any} */ (e).code;
    if (typeof code === 'string' && /^P\d{4}$/.test(code)) {
      return new SchemaEngineError(e.message, code, /** @type {any} */ (e).meta);
    }
    return e;
  }
  if (e && typeof e === 'object' && 'message' in e) {
    const o = /** @type {any} */ (e);
    return new SchemaEngineError(String(o.message), typeof o.code === 'string' ? o.code : undefined, o.meta);
  }
  return new Error(String(e));
}

// ---------------------------------------------------------------------------------------------
// Loading the Wasm module. Prisma ships the engine the CLI was built with as
// node_modules/prisma/build/schema_engine_bg.wasm, but not its wasm-bindgen JS glue; the glue comes
// from @prisma/schema-engine-wasm (whose own .wasm is the fallback). The glue and a .wasm fit when
// every import the .wasm asks for is exported by the glue (wasm-bindgen names carry a hash).

/** @type {Promise<any> | undefined} */
let engineClassPromise;
/** Timers armed by the engine and not fired yet. @type {Set<NodeJS.Timeout>} */
const engineTimers = new Set();
let openEngines = 0;

async function instantiateEngineClass() {
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const candidates = [];
  try {
    candidates.push(path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm'));
  } catch {
    // no prisma CLI installed: use the package's own engine
  }
  const glueFile = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  candidates.push(path.join(path.dirname(glueFile), 'schema_engine_bg.wasm'));

  /** @type {WebAssembly.Module | undefined} */
  let module;
  for (const file of candidates) {
    let bytes;
    try {
      bytes = await readFile(file);
    } catch {
      continue;
    }
    const candidate = new WebAssembly.Module(bytes);
    const fits = WebAssembly.Module.imports(candidate).every(
      (i) => i.module === './schema_engine_bg.js' && typeof (/** @type {any} */ (glue)[i.name]) === 'function',
    );
    if (fits) {
      module = candidate;
      break;
    }
  }
  if (!module) throw new Error(`No schema_engine_bg.wasm fits the JS glue of @prisma/schema-engine-wasm (tried ${candidates.join(', ')})`);

  // The engine arms JS timers (e.g. the 10 s advisory-lock timeout) and never clears them: they
  // would keep a process that applied migrations alive for 10 s. Track them; close() clears them
  // once no engine is open.
  /** @type {Record<string, unknown>} */
  const imports = { ...glue };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith('__wbg_setTimeout_')) continue;
    imports[name] = (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
      const timer = setTimeout(() => {
        engineTimers.delete(timer);
        fn();
      }, ms >>> 0);
      engineTimers.add(timer);
      return timer;
    };
  }
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': /** @type {any} */ (imports) });
  glue.__wbg_set_wasm(instance.exports);
  /** @type {() => void} */ (instance.exports.__wbindgen_start)();
  return glue.SchemaEngine;
}

/**
 * The wasm-bindgen SchemaEngine class. The module is instantiated once per process: its glue keeps
 * module-level state, so a second instantiation breaks the first.
 */
export function loadSchemaEngineClass() {
  engineClassPromise ??= instantiateEngineClass();
  return engineClassPromise;
}

// ---------------------------------------------------------------------------------------------
// Connections.

/** Query parameters Prisma understands that mean nothing (or something else) to `pg`. */
const PRISMA_ONLY_PARAMS = ['schema', 'connection_limit', 'pool_timeout', 'socket_timeout', 'pgbouncer', 'statement_cache_size'];

/** @param {string} name */
export function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Splits a Prisma PostgreSQL URL into what `pg` accepts and the schema named by `?schema=`.
 * @param {string} url
 */
export function parseDatabaseUrl(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    throw new Error('The database URL is not a valid URL (expected postgresql://user@host:port/database?schema=name)');
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new Error(`Only PostgreSQL URLs are supported here, got "${u.protocol}"`);
  }
  const schema = u.searchParams.get('schema') || 'public';
  for (const p of PRISMA_ONLY_PARAMS) u.searchParams.delete(p);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  return {
    connectionString: u.toString(),
    schema,
    database,
    user: decodeURIComponent(u.username),
    host: u.hostname,
    port: u.port || '5432',
  };
}

/**
 * The same URL pointing at another database (keeps user, password, host and parameters).
 * @param {string} url @param {string} database
 */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const CHAR_COLUMNS = Symbol('charColumns');

/**
 * Rewrites "char" (OID 18) fields to text in a result (pg has no parser for it: the value already
 * is its one-character string) and remembers their positions on the rows array, which the adapter
 * passes through untouched (see reportCharColumns).
 * @param {any} result
 */
function markCharColumns(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    if (!r || !Array.isArray(r.fields)) continue;
    /** @type {number[]} */
    const positions = [];
    r.fields.forEach((/** @type {any} */ f, /** @type {number} */ i) => {
      if (f.dataTypeID === PG_CHAR_OID) {
        f.dataTypeID = PG_TEXT_OID;
        positions.push(i);
      }
    });
    if (positions.length && Array.isArray(r.rows)) Object.defineProperty(r.rows, CHAR_COLUMNS, { value: positions });
  }
  return result;
}

/**
 * pg.Client class whose connections run `SET search_path TO "<schema>"` before the pool hands them
 * out (the SQL the engine generates is unqualified) and whose results mark "char" columns.
 * @param {string} schema
 */
function schemaClientClass(schema) {
  const setSearchPath = `SET search_path TO ${quoteIdent(schema)}`;
  return class SchemaClient extends pg.Client {
    /** @param {((err?: Error) => void)} [callback] */
    // @ts-ignore -- pg's overloads: callback form (used by pg-pool) and promise form
    connect(callback) {
      const ready = super
        .connect()
        .then(() => super.query(setSearchPath))
        .then(() => undefined);
      if (typeof callback === 'function') {
        ready.then(
          () => callback(),
          (err) => callback(err),
        );
        return undefined;
      }
      return ready;
    }

    /** @param {any[]} args */
    // @ts-ignore -- same overloads as pg.Client#query
    query(...args) {
      const last = args.length - 1;
      if (last >= 0 && typeof args[last] === 'function') {
        const cb = args[last];
        args[last] = (/** @type {unknown} */ err, /** @type {unknown} */ res) => cb(err, err ? res : markCharColumns(res));
        // @ts-ignore
        return super.query(...args);
      }
      // @ts-ignore
      const ret = super.query(...args);
      return ret && typeof ret.then === 'function' ? ret.then(markCharColumns) : ret;
    }
  };
}

/**
 * pg.Pool for one subgraph's schema (from `?schema=`, default public): see schemaClientClass.
 * @param {string} url @param {pg.PoolConfig} [extra]
 */
export function createSchemaPool(url, extra = {}) {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const pool = new pg.Pool({ connectionString, ...extra, Client: schemaClientClass(schema) });
  // an idle client losing its server must not crash the process
  pool.on('error', () => {});
  return { pool, schema };
}

/**
 * Wraps an adapter (or transaction) so "char" columns come back as ColumnType Character.
 * @template {{ queryRaw(q: any): Promise<any> }} T
 * @param {T} queryable
 * @returns {T}
 */
function reportCharColumns(queryable) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (q) => {
    const rs = await queryRaw(q);
    const positions = rs?.rows?.[CHAR_COLUMNS];
    if (positions) for (const i of positions) rs.columnTypes[i] = ColumnTypeEnum.Character;
    return rs;
  };
  return queryable;
}

/**
 * A PrismaPg adapter over its own pool, with the schema handed to the engine as well (both are
 * needed: the option names the schema for the engine, search_path resolves the unqualified SQL).
 * Scripts (migrations, `db execute`) go to the server whole, as one simple query on one connection,
 * as the native engine does: a migration applies atomically, and `;` inside strings or function
 * bodies is not mistaken for a statement end (adapter-pg splits scripts on every `;`).
 * @param {string} url @param {{ onDispose?: () => Promise<void> }} [opts]
 */
async function connectAdapter(url, opts = {}) {
  const { pool, schema } = createSchemaPool(url, { max: 4 });
  const adapter = await new PrismaPg(pool, { schema, disposeExternalPool: true }).connect();
  reportCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => reportCharColumns(await startTransaction(isolationLevel));
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      /** @type {any} */ (adapter).onError(error);
    }
  };
  if (opts.onDispose) {
    const dispose = adapter.dispose.bind(adapter);
    const onDispose = opts.onDispose;
    adapter.dispose = async () => {
      try {
        await dispose();
      } finally {
        await onDispose();
      }
    };
  }
  return adapter;
}

/** Runs one statement as the URL's user on a short-lived connection to the URL's database. @param {string} url @param {string} sql */
const runAdmin = (url, sql) => runStatements(parseDatabaseUrl(url).connectionString, [sql]);

/** `<db>_shadow_<random>`, within PostgreSQL's 63-byte identifier limit. @param {string} database */
export function shadowDatabaseName(database) {
  const suffix = `_shadow_${randomBytes(5).toString('hex')}`;
  return `${database.slice(0, 63 - suffix.length)}${suffix}`;
}

/**
 * Creates a throw-away database next to the URL's one (needs CREATEDB) and returns its URL and a
 * function dropping it.
 * @param {string} url
 */
export async function createShadowDatabase(url) {
  const { database } = parseDatabaseUrl(url);
  const name = shadowDatabaseName(database);
  try {
    await runAdmin(url, `CREATE DATABASE ${quoteIdent(name)}`);
  } catch (e) {
    const { user } = parseDatabaseUrl(url);
    throw new Error(
      `Could not create a shadow database as \`${user}\` (${e instanceof Error ? e.message : String(e)}): ` +
        'the role needs CREATEDB, or set SHADOW_DATABASE_URL to a database it may create its schema in.',
      { cause: e },
    );
  }
  return {
    url: withDatabase(url, name),
    drop: () => runAdmin(url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  };
}

/**
 * The migration-aware adapter factory the engine is built on, wrapped by
 * bindMigrationAwareSqlAdapterFactory (error capturing, as the engine expects).
 *
 * Shadow database: adapter-pg's own connectToShadowDb() creates one but its pool still connects to
 * the main database (`connectionString` wins over `database` in pg); so here it is either the given
 * `shadowDatabaseUrl` (emptied of the schema first, as the native engine resets it) or a database
 * created for the occasion and dropped when the engine lets go of it.
 * @param {{ url: string; shadowDatabaseUrl?: string | undefined }} opts
 */
export function createAdapterFactory({ url, shadowDatabaseUrl }) {
  const { schema } = parseDatabaseUrl(url);
  /** @type {Set<{ dispose(): Promise<void> }>} */
  const open = new Set();
  /** @param {{ dispose(): Promise<void> }} adapter */
  const track = (adapter) => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed = false;
    adapter.dispose = async () => {
      if (disposed) return;
      disposed = true;
      open.delete(adapter);
      await dispose();
    };
    open.add(adapter);
    return adapter;
  };
  const factory = {
    provider: /** @type {const} */ ('postgres'),
    adapterName: '@prisma/adapter-pg',
    connect: async () => track(await connectAdapter(url)),
    connectToShadowDb: async () => {
      if (shadowDatabaseUrl) {
        const target = new URL(shadowDatabaseUrl);
        if (!target.searchParams.get('schema')) target.searchParams.set('schema', schema);
        const shadowUrl = target.toString();
        await runAdmin(shadowUrl, `DROP SCHEMA IF EXISTS ${quoteIdent(parseDatabaseUrl(shadowUrl).schema)} CASCADE`);
        return track(await connectAdapter(shadowUrl));
      }
      const shadow = await createShadowDatabase(url);
      try {
        return track(await connectAdapter(withSchema(shadow.url, schema), { onDispose: shadow.drop }));
      } catch (e) {
        await shadow.drop().catch(() => {});
        throw e;
      }
    },
  };
  const bound = bindMigrationAwareSqlAdapterFactory(/** @type {any} */ (factory));
  return Object.assign(bound, {
    /** Disposes every connection (and shadow database) the engine has not let go of. */
    async disposeAll() {
      await Promise.allSettled([...open].map((a) => a.dispose()));
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The engine.

/** Methods of the Wasm SchemaEngine reachable through `call`. */
export const ENGINE_METHODS = [
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
  'version',
];

/**
 * Starts a schema engine on a database URL (`?schema=` picks the PostgreSQL schema).
 * @param {{ url: string; shadowDatabaseUrl?: string | undefined; datamodels?: [string, string][] | undefined; log?: ((line: string) => void) | undefined }} opts
 */
export async function openSchemaEngine({ url, shadowDatabaseUrl, datamodels, log }) {
  const SchemaEngine = await loadSchemaEngineClass();
  const adapterFactory = createAdapterFactory({ url, shadowDatabaseUrl });
  let engine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: datamodels && datamodels.length > 0 ? datamodels : undefined },
      (/** @type {string} */ line) => log?.(line),
      adapterFactory,
    );
  } catch (e) {
    await adapterFactory.disposeAll();
    throw explainExternalErrors(normalizeEngineError(e), /** @type {any} */ (adapterFactory).errorRegistry);
  }
  let closed = false;
  openEngines++;
  return {
    /**
     * @param {string} method @param {unknown} [params]
     * @returns {Promise<any>}
     */
    async call(method, params) {
      if (!ENGINE_METHODS.includes(method)) throw new Error(`Unknown schema engine method ${method}`);
      try {
        // called on the engine itself: a detached method loses its `this` (__wbg_ptr)
        return await engine[method](params);
      } catch (e) {
        throw explainExternalErrors(normalizeEngineError(e), /** @type {any} */ (adapterFactory).errorRegistry);
      }
    },
    /** Frees the engine and closes its connections (dropping a shadow database still open). */
    async close() {
      if (closed) return;
      closed = true;
      try {
        engine.free();
      } catch {
        // already gone (e.g. after a panic)
      }
      await adapterFactory.disposeAll();
      if (--openEngines === 0) {
        for (const timer of engineTimers) clearTimeout(timer);
        engineTimers.clear();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Migrations folder, read the way the CLI reads it (packages/migrate listMigrations).

/**
 * @param {string} migrationsDir absolute path of a `migrations` folder
 * @param {string} [shadowDbInitScript]
 */
export async function readMigrationsList(migrationsDir, shadowDbInitScript = '') {
  const { readdir } = await import('node:fs/promises');
  const lockfilePath = 'migration_lock.toml';
  const lockContent = await readFile(path.join(migrationsDir, lockfilePath), 'utf8').catch(() => null);
  /** @type {import('node:fs').Dirent[]} */
  let entries = [];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (e) {
    if (/** @type {any} */ (e).code !== 'ENOENT') throw e;
  }
  const migrationDirectories = [];
  for (const d of entries.filter((e) => e.isDirectory())) {
    const file = 'migration.sql';
    const content = await readFile(path.join(migrationsDir, d.name, file), 'utf8').then(
      (value) => ({ tag: 'ok', value }),
      (e) => ({ tag: 'error', value: String(/** @type {any} */ (e).message ?? e) }),
    );
    migrationDirectories.push({ path: d.name, migrationFile: { path: file, content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: lockContent },
    migrationDirectories,
    shadowDbInitScript,
  };
}

/**
 * Applies the migrations of a folder to the schema named by the URL's `?schema=` (created if
 * missing), in process. Returns the names of the migrations applied now.
 * @param {{ url: string; migrationsDir: string }} opts
 */
export async function applyMigrationsInProcess({ url, migrationsDir }) {
  const migrationsList = await readMigrationsList(migrationsDir);
  const engine = await openSchemaEngine({ url });
  try {
    const out = await engine.call('applyMigrations', {
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return /** @type {string[]} */ (out.appliedMigrationNames);
  } finally {
    await engine.close();
  }
}
