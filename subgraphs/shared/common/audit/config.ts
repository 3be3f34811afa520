import { z } from 'zod';
import { parseConfig } from '../config.js';
import { auditHashAlgorithms, DEFAULT_AUDIT_HASH, hashAvailable } from './chain.js';

/**
 * AUDIT_HASH: algorithm for new audit entries, `sm3` (default, 国密 GB/T 32905) or `sha256`.
 * Rows keep their own algorithm, so changing it never invalidates older rows.
 */
export const auditConfigSchema = z.object({
  AUDIT_HASH: z
    .enum(auditHashAlgorithms)
    .default(DEFAULT_AUDIT_HASH)
    .refine(hashAvailable, { message: "this Node's OpenSSL does not provide that hash (use sha256)" }),
});
export type AuditConfig = z.infer<typeof auditConfigSchema>;

export const loadAuditConfig = (source: Record<string, string | undefined>): AuditConfig => parseConfig(auditConfigSchema, source);
