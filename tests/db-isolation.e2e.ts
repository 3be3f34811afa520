// Isolation by privileges on real PostgreSQL (docs/architecture.md, "Data"), and the Prisma CLI working offline
// through our schema-engine stand-in (prisma/engine/schema-engine.mjs).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { provisionSubgraphSchema, subgraphUrl } from '#platform/db/provision.js';
import { createTestDatabase, type TestDatabase } from '#platform/db/test-database.js';
import { prismaCliChildEnv } from '#prisma-engine/config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A pg client on a Prisma-style URL (pg does not know `?schema=`). */
async function connect(url: string): Promise<pg.Client> {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  return client;
}

async function sqlstate(client: pg.Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('isolation by privileges: a subgraph role reads only its own schema', () => {
  let db: TestDatabase;
  let directory: pg.Client;
  let isotest: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase({ subgraphs: ['directory'] });
    // a second, throw-away subgraph: role isotest_svc owning schema isotest with one table
    await provisionSubgraphSchema(db.adminUrl, 'isotest');
    isotest = await connect(subgraphUrl(db.adminUrl, 'isotest'));
    await isotest.query('CREATE TABLE isotest.secret (id int PRIMARY KEY, note text)');
    await isotest.query("INSERT INTO isotest.secret VALUES (1, 'only for isotest')");
    directory = await connect(db.urlFor('directory'));
  });
  afterAll(async () => {
    await directory?.end();
    await isotest?.end();
    await db?.drop();
  });

  it('connects as the subgraph roles', async () => {
    expect((await directory.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe('directory_svc');
    expect((await isotest.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe('isotest_svc');
  });

  it('each role reads its own tables (migrated as that role, owned by it)', async () => {
    const own = await directory.query<{ tablename: string; tableowner: string }>(
      "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'directory' ORDER BY tablename",
    );
    expect(own.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'department', 'hospital', 'product', 'region', 'staff', 'supplier']),
    );
    expect(new Set(own.rows.map((r) => r.tableowner))).toEqual(new Set(['directory_svc']));
    expect((await directory.query<{ n: number }>('SELECT count(*)::int AS n FROM directory.region')).rows[0]!.n).toBe(0);
    expect(
      (await directory.query<{ n: number }>('SELECT count(*)::int AS n FROM directory._prisma_migrations')).rows[0]!.n,
    ).toBeGreaterThan(0);
    expect((await isotest.query('SELECT note FROM isotest.secret')).rows).toEqual([{ note: 'only for isotest' }]);
  });

  it("the directory role gets 42501 reading the other role's table", async () => {
    expect(await sqlstate(directory, 'SELECT * FROM isotest.secret')).toBe('42501');
    expect(await sqlstate(directory, "SELECT * FROM pg_catalog.pg_class WHERE relname = 'secret'")).toBeUndefined(); // catalogs stay readable
  });

  it("and vice versa: the other role gets 42501 on directory's tables", async () => {
    for (const table of ['region', 'hospital', 'staff', '_prisma_migrations']) {
      expect(await sqlstate(isotest, `SELECT * FROM directory.${table}`)).toBe('42501');
    }
    expect(await sqlstate(isotest, 'INSERT INTO directory.region (code) VALUES (1)')).toBe('42501');
  });

  it('neither role can create objects outside its schema', async () => {
    expect(await sqlstate(directory, 'CREATE TABLE public.stray (id int)')).toBe('42501');
    expect(await sqlstate(isotest, 'CREATE TABLE directory.stray (id int)')).toBe('42501');
  });
});

// ---------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);
const prismaCli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
const prismaConfig = path.join(repoRoot, 'prisma/prisma.config.ts');
const directorySchema = path.join(repoRoot, 'subgraphs/directory/prisma/schema.prisma');
const directoryMigrations = path.join(repoRoot, 'subgraphs/directory/prisma/migrations');

/** Runs the real Prisma CLI (which starts our stand-in engine); never throws, returns the exit code. */
function prisma(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const { DATABASE_URL: _a, SHADOW_DATABASE_URL: _b, DIRECTORY_DATABASE_URL: _c, PRISMA_SCHEMA_ENGINE_BINARY: _d, ...base } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [prismaCli, ...args, '--config', prismaConfig],
      {
        cwd: repoRoot,
        env: { ...prismaCliChildEnv(base, 'directory'), CI: 'true', ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('Prisma CLI offline, through the Wasm schema-engine stand-in', () => {
  let db: TestDatabase;
  let tmp: string;

  beforeAll(async () => {
    db = await createTestDatabase({ subgraphs: [] }); // migrations are the CLI's job here
    await provisionSubgraphSchema(db.adminUrl, 'directory');
    tmp = await mkdtemp(path.join(tmpdir(), 'ih-drift-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('migrate deploy applies the migrations as the subgraph role', async () => {
    const res = await prisma(['migrate', 'deploy'], { DIRECTORY_DATABASE_URL: db.urlFor('directory') });
    expect(res.output).toContain('All migrations have been successfully applied');
    expect(res.code).toBe(0);
    const client = await connect(db.urlFor('directory'));
    try {
      const { rows } = await client.query('SELECT migration_name FROM directory._prisma_migrations WHERE finished_at IS NOT NULL');
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('the drift check passes: migrations and schema.prisma agree (exit 0)', async () => {
    // the shadow database is created and dropped by the stand-in: admin URL (CREATEDB)
    const adminUrl = new URL(db.adminUrl);
    adminUrl.searchParams.set('schema', 'directory');
    const res = await prisma(['migrate', 'diff', '--from-migrations', directoryMigrations, '--to-schema', directorySchema, '--exit-code'], {
      DIRECTORY_DATABASE_URL: adminUrl.toString(),
    });
    expect(res.output).toContain('No difference detected');
    expect(res.code).toBe(0);

    const admin = await connect(db.adminUrl);
    try {
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${db.name}_shadow_%`]);
      expect(rows).toEqual([]); // no shadow database left behind
    } finally {
      await admin.end();
    }
  });

  it('a schema with an extra column is drift: exit code 2', async () => {
    const schema = await readFile(directorySchema, 'utf8');
    const drifted = schema.replace(/(model Region \{\n)/, '$1  driftProbe String? @map("drift_probe")\n');
    expect(drifted).not.toBe(schema);
    const file = path.join(tmp, 'schema.prisma');
    await writeFile(file, drifted);
    const adminUrl = new URL(db.adminUrl);
    adminUrl.searchParams.set('schema', 'directory');
    const res = await prisma(['migrate', 'diff', '--from-migrations', directoryMigrations, '--to-schema', file, '--exit-code'], {
      DIRECTORY_DATABASE_URL: adminUrl.toString(),
    });
    expect(res.output).toContain('drift_probe');
    expect(res.code).toBe(2);
  });
});
