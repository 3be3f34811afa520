#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, which cannot be downloaded here (nor on an
// air-gapped site). The Prisma CLI starts it when PRISMA_SCHEMA_ENGINE_BINARY points at this file
// (prisma/engine/config.ts sets that) and this delegates to Prisma's own engine compiled to Wasm.
// docs/architecture.md, "Data". Two ways the CLI runs it:
//
//   schema-engine --datamodels <file>… --datasource '{"url":…,"shadowDatabaseUrl":…}' [--enabled-preview-features a,b] [--extension-types …]
//       JSON-RPC 2.0, one message per line: requests on stdin, responses on stdout. `diff` output
//       goes back to the CLI as a `print` request, as the native engine does.
//   schema-engine --datasource '{"url":…}' cli can-connect-to-database|create-database|drop-database
//       exit 0 on success; otherwise JSON log lines on stderr whose ERROR line carries a Prisma
//       error code (P1000 authentication, P1001 unreachable, P1003 no such database).
//   schema-engine --version
//
// stdout carries nothing but protocol messages; logs go to stderr as JSON lines (the CLI reads the
// last ERROR line's `fields.message` when the engine exits with 1). Panics answer the request with
// an is_panic error and exit 101, like the native engine.

import { readFile } from 'node:fs/promises';
import readline from 'node:readline';

import pg from 'pg';

import {
  ENGINES_VERSION,
  openSchemaEngine,
  parseDatabaseUrl,
  quoteIdent,
  SchemaEngineError,
  SchemaEnginePanic,
  withDatabase,
} from './wasm-engine.mjs';

/** @param {'INFO' | 'WARN' | 'ERROR'} level @param {Record<string, unknown>} fields */
function logLine(level, fields, target = 'schema_engine::logger') {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target })}\n`);
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ datamodels: string[]; datasource: { url?: string; shadowDatabaseUrl?: string } | undefined; cli: string[]; version: boolean }} */
  const args = { datamodels: [], datasource: undefined, cli: [], version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--datamodels' || a === '-d') args.datamodels.push(value());
    else if (a === '--datasource') args.datasource = JSON.parse(value());
    else if (a === '--enabled-preview-features' || a === '--extension-types')
      value(); // the Wasm engine takes neither
    else if (a === '--version' || a === '-V') args.version = true;
    else if (a === 'cli') {
      args.cli = argv.slice(i + 1);
      break;
    } else throw new Error(`Unknown argument ${a}`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// `cli` sub-commands: plain pg connections, errors in the native engine's words.

/**
 * Maps a pg / socket error to a Prisma connection error code and message, if it is one.
 * @param {any} e @param {string} url
 */
function connectionError(e, url) {
  const { user, host, port, database } = parseDatabaseUrl(url);
  const at = `${host}:${port}`;
  switch (e?.code) {
    case '28P01':
    case '28000':
      return {
        error_code: 'P1000',
        message: `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${host}\`.`,
      };
    case '3D000':
      return { error_code: 'P1003', message: `Database \`${database}\` does not exist on the database server at \`${at}\`.` };
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
      return {
        error_code: 'P1001',
        message: `Can't reach database server at \`${at}\`\n\nPlease make sure your database server is running at \`${at}\`.`,
      };
    case '42501':
      return { error_code: 'P1010', message: `User \`${user}\` was denied access on the database \`${database}\`` };
    case '42P04':
      return { error_code: 'P1009', message: `Database \`${database}\` already exists on the database server at \`${at}\`` };
    default:
      return undefined;
  }
}

/** @param {string} url @param {(client: pg.Client) => Promise<void>} [work] */
async function withClient(url, work) {
  const client = new pg.Client({ connectionString: parseDatabaseUrl(url).connectionString, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await work?.(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Runs `work` on the server's maintenance database (postgres, else template1).
 * @param {string} url @param {(client: pg.Client) => Promise<void>} work
 */
async function withMaintenanceClient(url, work) {
  try {
    await withClient(withDatabase(url, 'postgres'), work);
  } catch (e) {
    if (/** @type {any} */ (e)?.code !== '3D000') throw e;
    await withClient(withDatabase(url, 'template1'), work);
  }
}

/** @param {string} url */
async function createDatabase(url) {
  const { database } = parseDatabaseUrl(url);
  await withMaintenanceClient(url, async (c) => {
    await c.query(`CREATE DATABASE ${quoteIdent(database)}`);
  });
  return database;
}

/** @param {string[]} command @param {string | undefined} url */
async function runCliCommand(command, url) {
  logLine('INFO', { message: 'Starting schema engine CLI', git_hash: ENGINES_VERSION }, 'schema_engine');
  const [name] = command;
  try {
    if (!url) throw new Error('No datasource URL was given (--datasource {"url": …}).');
    if (name === 'can-connect-to-database') await withClient(url);
    else if (name === 'create-database') {
      const database = await createDatabase(url);
      logLine('INFO', { message: `Database '${database}' was successfully created.` });
    } else if (name === 'drop-database') {
      const { database } = parseDatabaseUrl(url);
      await withMaintenanceClient(url, async (c) => {
        await c.query(`DROP DATABASE ${quoteIdent(database)} WITH (FORCE)`);
      });
      logLine('INFO', { message: `The database '${database}' was successfully dropped.` });
    } else throw new Error(`Unknown cli command: ${command.join(' ')}`);
    return 0;
  } catch (e) {
    const known = url ? connectionError(e, url) : undefined;
    logLine('ERROR', known ?? { message: e instanceof Error ? e.message : String(e) });
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC server.

/** @param {unknown} msg */
function send(msg) {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

/** @param {unknown} e */
function rpcError(e) {
  if (e instanceof SchemaEnginePanic) {
    // the CLI shows error.message (or data.error.message) as the panic, data.message as its detail
    return {
      code: 4466,
      message: e.message,
      data: { is_panic: true, message: e.message, backtrace: e.backtrace, error: { message: e.message } },
    };
  }
  if (e instanceof SchemaEngineError && e.code) {
    return {
      code: 4466,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: false, message: e.message, meta: e.meta ?? null, error_code: e.code },
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 4466, message: 'An error happened. Check the data field for details.', data: { is_panic: false, message } };
}

/** @param {{ datamodels: string[]; datasource: { url?: string; shadowDatabaseUrl?: string } | undefined }} args */
async function serve(args) {
  const url = args.datasource?.url;
  const shadowDatabaseUrl = args.datasource?.shadowDatabaseUrl || undefined;
  logLine('INFO', { message: 'Starting schema engine RPC server', git_hash: ENGINES_VERSION }, 'schema_engine');

  /** @type {Promise<Awaited<ReturnType<typeof openSchemaEngine>>> | undefined} */
  let enginePromise;
  const engine = () => {
    enginePromise ??= (async () => {
      const datamodels = /** @type {[string, string][]} */ (
        await Promise.all(args.datamodels.map(async (f) => [f, await readFile(f, 'utf8')]))
      );
      return openSchemaEngine({
        // With no datasource (schema-to-schema diffs) the engine never connects; if it tries, this
        // fails with a clear message.
        url: url ?? 'postgresql://no-datasource-url-configured.invalid:5432/none',
        shadowDatabaseUrl,
        datamodels,
        log: (line) => process.stderr.write(`${line}\n`),
      });
    })();
    return enginePromise;
  };

  let shuttingDown = false;
  /** @param {number} code */
  const shutdown = async (code) => {
    if (shuttingDown) return;
    shuttingDown = true;
    // let connections close and a shadow database still open be dropped, but never hang here
    const timer = setTimeout(() => process.exit(code), 5_000);
    if (enginePromise) await enginePromise.then((e) => e.close()).catch(() => {});
    clearTimeout(timer);
    process.exit(code);
  };
  // The CLI ends stdin and then kills the engine at once.
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(130));

  /** Requests this process sent to the CLI (`print`), by id. @type {Map<number, () => void>} */
  const pending = new Map();
  let nextOwnId = 1_000_000_000;
  /** @param {string} content */
  const print = (content) =>
    new Promise((/** @type {(v?: unknown) => void} */ resolve) => {
      const id = nextOwnId++;
      pending.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  /** @param {string} method @param {any} params */
  const handle = async (method, params) => {
    switch (method) {
      case 'getDatabaseVersion':
        return (await engine()).call('version', params ?? null);
      case 'createDatabase': {
        const ds = params?.datasource;
        const target = ds?.tag === 'ConnectionString' && ds.url ? ds.url : url;
        if (!target) throw new Error('No datasource URL to create a database from.');
        return { databaseName: await createDatabase(target) };
      }
      case 'diff': {
        const out = await (await engine()).call('diff', params);
        if (out?.stdout) await print(out.stdout);
        return { exitCode: out?.exitCode ?? 0, stdout: null };
      }
      case 'dbExecute':
        await (await engine()).call('dbExecute', params);
        return null;
      default:
        return (await engine()).call(method, params);
    }
  };

  let queue = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    /** @type {any} */
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (msg.method === undefined) {
      // a response to one of our `print` requests
      pending.get(msg.id)?.();
      pending.delete(msg.id);
      return;
    }
    // one request at a time, in order, as the native engine's CLI connection does
    queue = queue.then(async () => {
      try {
        const result = await handle(msg.method, msg.params);
        if (msg.id !== undefined) send({ jsonrpc: '2.0', id: msg.id, result: result === undefined ? null : result });
      } catch (e) {
        if (msg.id !== undefined) send({ jsonrpc: '2.0', id: msg.id, error: rpcError(e) });
        if (e instanceof SchemaEnginePanic) {
          logLine('ERROR', { message: e.message, backtrace: e.backtrace, is_panic: true });
          await shutdown(101);
        }
      }
    });
  });
  rl.on('close', () => {
    void queue.then(() => shutdown(0));
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    logLine('ERROR', { message: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${ENGINES_VERSION}\n`);
    return;
  }
  if (args.cli.length > 0) {
    process.exitCode = await runCliCommand(args.cli, args.datasource?.url);
    return;
  }
  await serve(args);
}

process.on('uncaughtException', (e) => {
  // an engine panic can surface outside any request (Wasm traps inside a callback)
  logLine('ERROR', {
    message: e instanceof Error ? e.message : String(e),
    backtrace: e instanceof Error ? e.stack : undefined,
    is_panic: true,
  });
  process.exit(101);
});

await main();
