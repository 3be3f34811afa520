/**
 * `npm run audit:purge -- --older-than <days>` — delete audit entries older than <days> days
 * (at least 180: 网络安全法 art. 21), keeping the chain verifiable through a checkpoint, and
 * record the purge in the log itself. Database: DATABASE_URL (an administrator, or the audit
 * role) or the embedded folder (HUB_DATA_DIR). AUDIT_HASH: algorithm of the purge's own entry.
 * Exit 0 done; 1 refused or failed; 2 bad arguments or no audit log.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError } from '#common/config.js';
import { loadAuditConfig } from '#common/audit/config.js';
import { AUDIT_RETENTION_MIN_DAYS, AuditRetentionError, purgeAudit } from '#common/audit/purge.js';
import { hasAuditLog, openAuditDatabase } from './lib/audit-db.js';

const usage = `usage: npm run audit:purge -- --older-than <days>   (days >= ${AUDIT_RETENTION_MIN_DAYS})`;
let code: number;
try {
  const { values } = parseArgs({ options: { 'older-than': { type: 'string' } } });
  const days = Number(values['older-than']);
  if (values['older-than'] === undefined || !Number.isInteger(days)) {
    console.error(usage);
    process.exit(2);
  }
  if (days < AUDIT_RETENTION_MIN_DAYS) {
    console.error(
      `audit:purge refused: audit entries are kept at least ${AUDIT_RETENTION_MIN_DAYS} days (网络安全法 art. 21); --older-than ${days}`,
    );
    process.exit(1);
  }
  const source = process.env; // this process's configuration, read once
  const { AUDIT_HASH } = loadAuditConfig(source);
  const db = await openAuditDatabase(source);
  try {
    if (!(await hasAuditLog(db.pool))) {
      console.error(`audit:purge: no audit log in ${db.where}`);
      code = 2;
    } else {
      const result = await purgeAudit(db.pool, { olderThanDays: days, algorithm: AUDIT_HASH, subject: `os:${userInfo().username}` });
      console.log(
        result.checkpoint
          ? `purged ${result.rowsPurged} audit entries older than ${result.cutoff.toISOString()} (up to seq ${result.checkpoint.upToSeq}); checkpoint hash ${result.checkpoint.hash}; recorded as seq ${result.entrySeq}`
          : `nothing older than ${result.cutoff.toISOString()} to purge; recorded as seq ${result.entrySeq}`,
      );
      code = 0;
    }
  } finally {
    await db.close();
  }
} catch (err) {
  if (err instanceof AuditRetentionError || err instanceof ConfigError) console.error(`audit:purge refused: ${err.message}`);
  else console.error(`audit:purge: ${err instanceof Error ? err.message : String(err)}`);
  code = err instanceof ConfigError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  if (code === 2 && !(err instanceof ConfigError)) console.error(usage);
}
process.exit(code);
