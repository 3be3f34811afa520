import { describe, expect, it } from 'vitest';
import { buildSchema, execute, parse } from 'graphql';
import { unresolvedMessage } from './operation-resolution.js';

const schema = buildSchema('type Query { a: Int }');

describe('unresolvedMessage', () => {
  it.each([
    ['several operations, no name', 'query A { a } query B { a }', null],
    ['an unknown name', 'query A { a } query B { a }', 'C'],
    ['an unknown name for a single anonymous operation', '{ a }', 'C'],
    ['no operation at all', 'fragment F on Query { a }', null],
  ])('%s: the message graphql-js gives when it executes the document', (_case, source, operationName) => {
    const document = parse(source);
    const graphqlJs = (execute({ schema, document, operationName }) as { errors?: readonly { message: string }[] }).errors?.[0]?.message;
    expect(graphqlJs).toBeDefined();
    expect(unresolvedMessage(document, operationName)).toBe(graphqlJs);
  });
});
