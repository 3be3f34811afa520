import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationLimitsRule } from './limits.js';

const schema = buildSchema(`
  type Query { hospitals(first: Int = 20): Conn!, hospital: Hospital, tags: [String!]! }
  type Conn { nodes: [Hospital!]! totalCount: Int! }
  type Hospital { code: ID! departments: [Department!]! parent: Hospital }
  type Department { id: ID! hospital: Hospital! staff(first: Int = 20): [String!]! }
`);
const rule = operationLimitsRule({ maxDepth: 4, maxAliases: 2, maxDirectives: 2, maxCost: 1_000 });
const errors = (query: string) => validate(schema, parse(query), [rule]).map((e) => e.message);

describe('operation limits', () => {
  it('counts depth through fragments and inline fragments', () => {
    expect(errors('{ hospital { parent { parent { code } } } }')).toEqual([]);
    expect(errors('{ hospital { ...F } } fragment F on Hospital { parent { ... on Hospital { parent { parent { code } } } } }')[0]).toMatch(
      /depth 5/,
    );
  });

  it('counts aliases, including aliased __typename', () => {
    expect(errors('{ a: __typename b: __typename }')).toEqual([]);
    expect(errors('{ a: __typename b: __typename c: __typename }')[0]).toMatch(/3 aliases/);
  });

  it('counts directives on fields, fragments and the operation', () => {
    expect(
      errors('query @skip(if: false) { __typename @include(if: true) ...F @include(if: true) } fragment F on Query { __typename }')[0],
    ).toMatch(/3 directives/);
  });

  it('multiplies cost by page sizes, literal, defaulted or from variables', () => {
    expect(errors('{ hospitals(first: 10) { nodes { departments { id } } } }')).toEqual([]);
    const expensive = errors('{ hospitals(first: 100) { nodes { departments { staff(first: 100) } } } }');
    expect(expensive).toEqual(['Query is too expensive: ask for fewer items or less nesting']);
    expect(errors('query Q($n: Int = 5) { hospitals(first: $n) { nodes { departments { id } } } }')).toEqual([]);
    expect(errors('query Q($n: Int) { hospitals(first: $n) { nodes { departments { staff } } } }')).toHaveLength(1);
  });

  it('ignores introspection fields and survives fragment cycles', () => {
    expect(errors('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toEqual([]);
    expect(() => errors('{ hospital { ...A } } fragment A on Hospital { parent { ...A } }')).not.toThrow();
  });
});
