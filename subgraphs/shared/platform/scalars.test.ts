import { graphql, GraphQLError, parse, parseValue, printSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar, DecimalScalar, JSONScalar } from './scalars.js';
import { subgraphNamed } from '../../registry.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof GraphQLError ? err.extensions.code : 'not a GraphQLError';
  }
  return 'no error';
};

describe('DateTime (graphql-scalars)', () => {
  it('serialises as it always has: Date#toISOString(), a string in UTC with milliseconds', () => {
    const date = new Date('2024-06-01T08:00:00.120+08:00');
    expect(DateTimeScalar.serialize(date)).toBe('2024-06-01T00:00:00.120Z');
    expect(DateTimeScalar.serialize(date)).toBe(date.toISOString());
    expect(DateTimeScalar.serialize('2024-06-01T08:00:00+08:00')).toBe('2024-06-01T00:00:00.000Z');
    expect(() => DateTimeScalar.serialize(new Date('not a date'))).toThrow(GraphQLError);
  });

  it('accepts RFC 3339 date-times and the other ISO 8601 forms it accepted before, from variables and literals', () => {
    expect(DateTimeScalar.parseValue('2024-06-01T08:00:00.5+08:00')).toEqual(new Date('2024-06-01T00:00:00.500Z'));
    expect(DateTimeScalar.parseValue('2024-06-01T08:00:00Z')).toEqual(new Date('2024-06-01T08:00:00Z'));
    // a date alone and a local date-time, read as Date reads them (as before graphql-scalars)
    expect(DateTimeScalar.parseValue('2024-06-01')).toEqual(new Date('2024-06-01'));
    expect(DateTimeScalar.parseValue('2024-06-01T08:00')).toEqual(new Date('2024-06-01T08:00'));
    expect(DateTimeScalar.parseLiteral(parseValue('"2024-06-01T08:00:00Z"'), {})).toEqual(new Date('2024-06-01T08:00:00Z'));
    expect(DateTimeScalar.parseLiteral(parseValue('"2024-06-01"'), {})).toEqual(new Date('2024-06-01'));
  });

  it('refuses anything else as BAD_USER_INPUT', () => {
    for (const bad of ['2024-13-01', 'June 1 2024', '1', '', 1717228800000, null])
      expect(codeOf(() => DateTimeScalar.parseValue(bad))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => DateTimeScalar.parseLiteral(parseValue('12'), {}))).toBe('BAD_USER_INPUT');
  });

  it("keeps the SDL's description of the scalar in the served subgraph schema", () => {
    const directory = subgraphNamed('directory');
    const schema = buildSubgraphSchema({ typeDefs: directory.typeDefs, resolvers: directory.resolvers as never });
    expect(schema.getType('DateTime')?.description).toBe('An ISO 8601 timestamp.');
    expect(printSchema(schema)).not.toContain('RFC 3339 profile');
  });
});

describe('Decimal (ours)', () => {
  it('keeps money exact as a string both ways', () => {
    expect(DecimalScalar.parseValue('12345678901234567.12345678')).toBe('12345678901234567.12345678');
    expect(DecimalScalar.parseLiteral(parseValue('0.10'), {})).toBe('0.10');
    expect(DecimalScalar.serialize('0.30')).toBe('0.30');
    expect(codeOf(() => DecimalScalar.parseValue('1e3'))).toBe('BAD_USER_INPUT');
  });
});

describe('JSON (graphql-scalars), for evidence', () => {
  it('carries any JSON value through a schema, from variables and from literals', async () => {
    const schema = buildSubgraphSchema({
      typeDefs: parse('scalar JSON\ntype Query { echo(evidence: JSON): JSON }'),
      resolvers: { JSON: JSONScalar, Query: { echo: (_: unknown, args: { evidence: unknown }) => args.evidence } },
    });
    const evidence = { invoice: 'No. 42', amounts: ['12.30', 4], signed: true, note: null };
    const fromVariables = await graphql({ schema, source: 'query ($e: JSON) { echo(evidence: $e) }', variableValues: { e: evidence } });
    expect(fromVariables).toEqual({ data: { echo: evidence } });
    const fromLiteral = await graphql({
      schema,
      source: '{ echo(evidence: { invoice: "No. 42", amounts: ["12.30", 4], signed: true, note: null }) }',
    });
    expect(JSON.parse(JSON.stringify(fromLiteral))).toEqual({ data: { echo: evidence } });
  });
});
