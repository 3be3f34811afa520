// Types for wasm-engine.mjs (plain JavaScript so the schema-engine stand-in runs without a TS loader).
import type pg from 'pg';
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** Commit of the schema engine the installed Prisma CLI expects. */
export declare const ENGINES_VERSION: string;

/** The engine panicked (a Rust panic, surfaced as a WebAssembly trap). */
export declare class SchemaEnginePanic extends Error {
  constructor(message: string, backtrace: string | undefined);
  readonly backtrace: string;
}

/** An error from the engine; user-facing ones carry a Prisma code (P3005, P3018, …) and meta. */
export declare class SchemaEngineError extends Error {
  constructor(message: string, code: string | undefined, meta: unknown);
  readonly code: string | undefined;
  readonly meta: unknown;
}

/** The wasm-bindgen `SchemaEngine` class (instantiated once per process). */
export declare function loadSchemaEngineClass(): Promise<unknown>;

export declare function quoteIdent(name: string): string;

export interface ParsedDatabaseUrl {
  /** The URL without Prisma-only parameters (schema, connection_limit, …), for `pg`. */
  connectionString: string;
  /** From `?schema=`, default `public`. */
  schema: string;
  database: string;
  user: string;
  host: string;
  port: string;
}
export declare function parseDatabaseUrl(url: string): ParsedDatabaseUrl;

/** The same URL pointing at another database. */
export declare function withDatabase(url: string, database: string): string;

/** pg.Pool whose connections run `SET search_path TO "<schema>"` first (schema from `?schema=`). */
export declare function createSchemaPool(url: string, extra?: pg.PoolConfig): { pool: pg.Pool; schema: string };

export declare function shadowDatabaseName(database: string): string;

/** Creates `<db>_shadow_<random>` next to the URL's database (needs CREATEDB). */
export declare function createShadowDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }>;

export declare function createAdapterFactory(opts: {
  url: string;
  shadowDatabaseUrl?: string | undefined;
}): ErrorCapturingSqlMigrationAwareDriverAdapterFactory & { disposeAll(): Promise<void> };

export declare const ENGINE_METHODS: readonly string[];

export interface OpenSchemaEngine {
  /** Calls a method of the Wasm engine; errors come back as SchemaEngineError / SchemaEnginePanic. */
  call(method: string, params?: unknown): Promise<any>;
  /** Frees the engine and closes its connections (dropping a shadow database still open). */
  close(): Promise<void>;
}

export declare function openSchemaEngine(opts: {
  url: string;
  shadowDatabaseUrl?: string | undefined;
  /** [path, content] of each Prisma schema file. */
  datamodels?: [string, string][] | undefined;
  /** The engine's log lines (JSON). */
  log?: ((line: string) => void) | undefined;
}): Promise<OpenSchemaEngine>;

export interface MigrationsList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: {
    path: string;
    migrationFile: { path: string; content: { tag: 'ok'; value: string } | { tag: 'error'; value: string } };
  }[];
  shadowDbInitScript: string;
}

/** Reads a migrations folder the way the Prisma CLI does. */
export declare function readMigrationsList(migrationsDir: string, shadowDbInitScript?: string): Promise<MigrationsList>;

/** Applies a migrations folder to the schema named by the URL's `?schema=`; returns the names applied now. */
export declare function applyMigrationsInProcess(opts: { url: string; migrationsDir: string }): Promise<string[]>;
