import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';

const DECIMAL = /^-?\d{1,18}(\.\d{1,8})?$/;

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * Decimal as a string, so money keeps its precision end to end. Ours, not graphql-scalars': its
 * numeric scalars (NonNegativeFloat, …) are JavaScript numbers, which round 0.1 + 0.2 and anything
 * past 15–17 digits, and its USCurrency is integer cents of one currency; none keeps a decimal
 * exact as a string from the database to the client.
 */
/** Prisma's Decimal, a number or a string, as its exact decimal text (Decimal.toString never rounds). */
const decimalText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : (value as { toString(): string }).toString();

export const DecimalScalar = new GraphQLScalarType<string | null, string>({
  name: 'Decimal',
  serialize: (value) => (value === null || value === undefined ? null : decimalText(value)) as string,
  parseValue: (value) => {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !DECIMAL.test(text)) throw invalid('Decimal must be a number string like "12.34"');
    return text;
  },
  parseLiteral: (ast) => {
    if ((ast.kind === Kind.STRING || ast.kind === Kind.FLOAT || ast.kind === Kind.INT) && DECIMAL.test(ast.value)) return ast.value;
    throw invalid('Decimal must be a number string like "12.34"');
  },
});

/**
 * Other ISO 8601 forms this API has always accepted besides RFC 3339 date-times (which
 * graphql-scalars requires): a date alone (`2024-06-01`, UTC midnight) and a local date-time
 * without seconds or offset, read as `Date` reads them. Still accepted, so no client breaks.
 */
const ISO_8601_LEGACY = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

const rfc3339 = GraphQLDateTime.toConfig();

const dateTimeInput = (parse: () => unknown, text: unknown): Date => {
  try {
    return parse() as Date;
  } catch {
    const legacy = typeof text === 'string' && ISO_8601_LEGACY.test(text) ? new Date(text) : null;
    if (legacy && !Number.isNaN(legacy.getTime())) return legacy;
    throw invalid('DateTime must be an ISO 8601 string');
  }
};

/**
 * The SDL describes its scalars (it is the source of truth, docs/architecture.md, "Adding a subgraph"); a
 * resolver's description would replace the SDL's in the served schema (buildSubgraphSchema copies
 * every defined property of a scalar resolver).
 */
const undescribed = { description: undefined, specifiedByURL: undefined };

/**
 * graphql-scalars' DateTime (RFC 3339 profile of ISO 8601). Output is what this API has always
 * returned: `Date#toISOString()` (UTC, milliseconds) as a string — theirs returns the Date object
 * and leaves the string to JSON.stringify. Input errors are BAD_USER_INPUT.
 */
export const DateTimeScalar = new GraphQLScalarType<Date | null, string>({
  ...rfc3339,
  ...undescribed,
  serialize: (value) => rfc3339.serialize(value).toISOString(),
  parseValue: (value) => dateTimeInput(() => rfc3339.parseValue(value), value),
  parseLiteral: (ast: ValueNode, variables) =>
    dateTimeInput(() => rfc3339.parseLiteral(ast, variables), ast.kind === Kind.STRING ? ast.value : undefined),
});

/** Any JSON value (graphql-scalars, ECMA-404), for free-form payloads such as a finding's `evidence`. */
export const JSONScalar = new GraphQLScalarType({ ...GraphQLJSON.toConfig(), ...undescribed });
