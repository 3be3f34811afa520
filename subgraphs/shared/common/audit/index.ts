// The audit log (等保2.0 安全审计): entries, their hash chain, the writer, verification and purge.
export * from './entry.js';
export * from './chain.js';
export { AUDIT_LOCK_KEY, MAX_BATCH, type ChainHead, type CheckpointRow } from './store.js';
export * from './writer.js';
export * from './verify.js';
export * from './purge.js';
export * from './config.js';
