/**
 * `npm run audit:verify` — recompute the audit log's hash chain (from the latest purge
 * checkpoint). Exit 0 when intact; 1 with the first bad seq and the problem when not; 2 when it
 * cannot run (no database, no audit log). Database: DATABASE_URL or the embedded folder (HUB_DATA_DIR).
 */
import { ConfigError } from '#common/config.js';
import { verifyAuditChain } from '#common/audit/verify.js';
import { hasAuditLog, openAuditDatabase } from './lib/audit-db.js';

let code = 2;
try {
  const db = await openAuditDatabase(process.env);
  try {
    if (!(await hasAuditLog(db.pool))) {
      console.error(`audit:verify: no audit log in ${db.where} (schema audit missing: start the hub once or run npm run db:migrate)`);
    } else {
      const started = performance.now();
      const result = await verifyAuditChain(db.pool, 'audit');
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const from = result.checkpoint ? `from the checkpoint after seq ${result.checkpoint.upToSeq}` : 'from genesis';
      if (result.ok) {
        console.log(`audit chain OK (${db.where}): ${result.rows} rows checked ${from} in ${seconds} s`);
        console.log(result.head ? `head: seq ${result.head.seq} hash ${result.head.hash}` : 'head: (empty log)');
        code = 0;
      } else {
        console.error(`audit chain BROKEN (${db.where}): first bad seq ${result.firstBadSeq}: ${result.problem}`);
        console.error(`${result.rows} rows verified ${from} before it`);
        code = 1;
      }
    }
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `audit:verify: ${err instanceof Error ? err.message : String(err)}`);
  code = 2;
}
process.exit(code);
