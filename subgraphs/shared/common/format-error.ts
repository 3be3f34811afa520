import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger.js';

/** Codes whose messages are written for clients; anything else is masked outside development. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PAYLOAD_TOO_LARGE',
  'SUBGRAPH_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
]);

const UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', '57P01', '57P03']);
/**
 * The pool's own failures reach us through the Prisma adapter as plain errors without a code: a
 * connection attempt that timed out (a database that accepts but never answers) and no free
 * connection within the timeout. Both are the database being unavailable, as P1001 and P2024 are.
 */
const POOL_UNAVAILABLE = new Set(['Connection terminated due to connection timeout', 'timeout exceeded when trying to connect']);
const DB_UNAVAILABLE = { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; try again later' } as const;

interface DbErrorLike {
  code?: unknown;
  meta?: {
    target?: unknown;
    field_name?: unknown;
    modelName?: unknown;
    driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } };
  };
}

/** Prisma / PostgreSQL errors that are the caller's doing become client errors (docs/development.md, "Conventions"). */
export function dbErrorToExtensions(err: unknown): { code: string; message: string; field?: string } | null {
  const e = err as DbErrorLike | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  if (!code) return err instanceof Error && POOL_UNAVAILABLE.has(err.message) ? { ...DB_UNAVAILABLE } : null;
  const fields = e?.meta?.target ?? e?.meta?.driverAdapterError?.cause?.constraint?.fields;
  const field = Array.isArray(fields) ? fields.join(',') : typeof fields === 'string' ? fields : undefined;
  if (code === 'P2002' || code === '23505') return { code: 'CONFLICT', message: 'A record with this key already exists', field };
  if (code === 'P2025') return { code: 'NOT_FOUND', message: 'Record not found' };
  if (code === 'P2003' || code === '23503') return { code: 'BAD_USER_INPUT', message: 'A referenced record does not exist', field };
  // Unreachable, timed-out or closed database, or no free connection: retryable, and nothing to hide.
  if (UNAVAILABLE.has(code)) return { ...DB_UNAVAILABLE };
  return null;
}

/**
 * Apollo `formatError`: client errors pass through; database errors with a client meaning are
 * translated; everything else is logged in full and, outside development, replaced by a masked
 * INTERNAL_SERVER_ERROR with no message detail, stack or internal URL.
 */
export function createFormatError(opts: { development: boolean; log: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) return stripStack(formatted, opts.development);
    const mapped = dbErrorToExtensions(original);
    if (mapped?.code === 'SERVICE_UNAVAILABLE') opts.log.error('database unavailable', { err: original, path: formatted.path });
    if (mapped) {
      const { code: mappedCode, message, field } = mapped;
      return {
        message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: mappedCode, ...(field ? { field } : {}) },
      };
    }
    opts.log.error('internal error', { err: original, path: formatted.path, code });
    if (opts.development) return formatted;
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function stripStack(formatted: GraphQLFormattedError, development: boolean): GraphQLFormattedError {
  if (development || !formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _omit, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
