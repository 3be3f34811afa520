import { GraphQLError } from 'graphql';

/** Apollo's error codes, the only ones the hub emits (docs/development.md, "Conventions"). */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL_SERVER_ERROR';

export const appError = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

/** Bad input always names the offending field (dotted path inside the input, e.g. `input.code`). */
export const badInput = (field: string, message: string, extra: Record<string, unknown> = {}) =>
  appError('BAD_USER_INPUT', message, { field, ...extra });

/**
 * The extension naming the subgraph an error came from: set by the gateway's data source for a
 * failed fetch, and by @apollo/gateway on every error a subgraph returns. Which subgraphs there are
 * and which serves which field is internal topology: clients see it in development only
 * (gateway/src/datasource.ts), the log always (request-logging.ts).
 */
export const SERVICE_NAME_EXTENSION = 'serviceName';
