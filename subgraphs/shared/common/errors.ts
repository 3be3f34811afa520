import { GraphQLError } from 'graphql';

/** Apollo's error codes, the only ones the hub emits (STYLE.md "Errors"). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR';

export const appError = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

/** Bad input always names the offending field (dotted path inside the input, e.g. `input.code`). */
export const badInput = (field: string, message: string, extra: Record<string, unknown> = {}) =>
  appError('BAD_USER_INPUT', message, { field, ...extra });
