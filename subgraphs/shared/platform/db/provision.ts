// Isolation by privileges (docs/architecture.md, "Data"): each subgraph logs in as its own role, which owns its own
// PostgreSQL schema and nothing else; the public schema and the database are closed to PUBLIC. So
// another subgraph's role gets SQLSTATE 42501 on any read of this one's tables. With `trust`
// authentication (CI) anyone can log in as any role: there the privileges catch mistakes, not
// attackers — production sets `<SVC>_DB_PASSWORD` (read by the caller's config module, scripts/lib/hub.ts,
// and passed in here as `password`).
import type pg from 'pg';

import { withClient, withSchema } from '#prisma-engine/pg-admin.mjs';

/** Subgraph names become SQL identifiers: keep them plain. */
const SUBGRAPH_NAME = /^[a-z][a-z0-9_]{0,40}$/;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

function assertSubgraphName(svc: string): void {
  if (!SUBGRAPH_NAME.test(svc)) throw new Error(`Invalid subgraph name ${JSON.stringify(svc)} (expected ${SUBGRAPH_NAME})`);
}

/** Login role of a subgraph: `<svc>_svc`. */
export const subgraphRole = (svc: string) => `${svc}_svc`;

/** `adminUrl` as `role` (with its own password, never the admin's) with `?schema=<schema>`. */
function roleUrl(adminUrl: string, role: string, password: string | undefined, schema: string): string {
  const u = new URL(adminUrl);
  u.username = role;
  u.password = password ?? '';
  return withSchema(u.toString(), schema);
}

/**
 * `adminUrl` with the subgraph's role as user (its password `<SVC>_DB_PASSWORD` when one is set,
 * never the admin's) and `?schema=<svc>`.
 */
export function subgraphUrl(adminUrl: string, svc: string, password?: string): string {
  assertSubgraphName(svc);
  return roleUrl(adminUrl, subgraphRole(svc), password, svc);
}

/** Error codes meaning another session did the same thing at the same moment. */
const RACE_CODES = new Set([
  '42710', // duplicate_object: role created meanwhile
  '23505', // unique_violation: same, caught on the catalog's unique index
  'XX000', // "tuple concurrently updated" on a shared catalog row (GRANT/ALTER ROLE in parallel)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/**
 * A login role, created if missing (roles are cluster-wide, so parallel callers creating it at once
 * are tolerated), its password set when one is given, and CONNECT on the current database.
 * Returns that database's name.
 */
async function ensureLoginRole(client: pg.ClientBase, role: string, password: string | undefined): Promise<string> {
  const existing = await client.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
  if (existing.rowCount === 0)
    await raceTolerant(client, `CREATE ROLE ${ident(role)} LOGIN${password ? ` PASSWORD ${literal(password)}` : ''}`);
  // Only touch an existing role when it needs it: concurrent ALTER ROLEs on one role collide.
  if (existing.rows[0]?.rolcanlogin === false) await raceTolerant(client, `ALTER ROLE ${ident(role)} LOGIN`);
  if (password) await raceTolerant(client, `ALTER ROLE ${ident(role)} PASSWORD ${literal(password)}`);
  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  const db = rows[0]!.db;
  await raceTolerant(client, `GRANT CONNECT ON DATABASE ${ident(db)} TO ${ident(role)}`);
  return db;
}

async function raceTolerant(client: pg.ClientBase, sql: string, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await client.query(sql);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42710' || code === '23505') return; // it exists now: what we wanted
      if (!code || !RACE_CODES.has(code) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 20 * i));
    }
  }
}

/**
 * Idempotently, as an administrator connected to the target database (`adminUrl`):
 * - login role `<svc>_svc` (with `password`, `<SVC>_DB_PASSWORD`, when one is given; roles are
 *   cluster-wide, so parallel callers creating it at once are tolerated);
 * - schema `<svc>` owned by that role;
 * - PUBLIC loses every privilege on schema public and on the database; the role gets CONNECT, and
 *   TEMPORARY for the feeds' staging tables.
 */
export async function provisionSubgraphSchema(adminUrl: string, svc: string, password?: string): Promise<void> {
  assertSubgraphName(svc);
  const role = subgraphRole(svc);
  await withClient(adminUrl, async (client) => {
    const db = await ensureLoginRole(client, role, password);

    const schema = await client.query<{ owner: string }>('SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1', [
      svc,
    ]);
    if (schema.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(svc)} AUTHORIZATION ${ident(role)}`);
    else if (schema.rows[0]!.owner !== role) await client.query(`ALTER SCHEMA ${ident(svc)} OWNER TO ${ident(role)}`);
    // Feeds stage their rows in session-private temporary tables (feed/merge.ts): no access to anyone else's data.
    await raceTolerant(client, `GRANT TEMPORARY ON DATABASE ${ident(db)} TO ${ident(role)}`);

    const { rows } = await client.query<{ has_public: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') AS has_public",
    );
    if (rows[0]!.has_public) await raceTolerant(client, 'REVOKE ALL ON SCHEMA public FROM PUBLIC');
    await raceTolerant(client, `REVOKE ALL ON DATABASE ${ident(db)} FROM PUBLIC`);
  });
}

/**
 * The audit log's writer (the gateway, feeds): its own login, which may append to the audit log
 * and read it back (the chain head) but not change or delete anything, and nothing else. Not the
 * audit subgraph's role (`audit_svc` owns schema audit and could disable its triggers).
 */
export const AUDIT_WRITER_ROLE = 'audit_writer';
export const AUDIT_SCHEMA = 'audit';

/** `adminUrl` with the audit writer's role (its password AUDIT_WRITER_DB_PASSWORD when one is set) and `?schema=audit`. */
export function auditWriterUrl(adminUrl: string, password?: string): string {
  return roleUrl(adminUrl, AUDIT_WRITER_ROLE, password, AUDIT_SCHEMA);
}

/**
 * Idempotently, as an administrator, after the audit schema's migrations: login role
 * `audit_writer` (with `password`, AUDIT_WRITER_DB_PASSWORD, when one is given) with CONNECT on the database,
 * USAGE on schema audit, INSERT and SELECT on audit.entry, SELECT on audit.checkpoint — no UPDATE,
 * DELETE, TRUNCATE, and no other table.
 */
export async function provisionAuditWriter(adminUrl: string, password?: string): Promise<void> {
  const role = ident(AUDIT_WRITER_ROLE);
  const schema = ident(AUDIT_SCHEMA);
  await withClient(adminUrl, async (client) => {
    await ensureLoginRole(client, AUDIT_WRITER_ROLE, password);
    await raceTolerant(client, `GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await raceTolerant(client, `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`);
    await raceTolerant(client, `GRANT SELECT, INSERT ON ${schema}."entry" TO ${role}`);
    await raceTolerant(client, `GRANT SELECT ON ${schema}."checkpoint" TO ${role}`);
  });
}
