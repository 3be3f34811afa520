import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isAbstractType,
  isScalarType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { readFileSync } from 'node:fs';
import { hubRoles, type HubRole } from '#common/identity.js';
import { registry } from '../../subgraphs/registry.js';

/**
 * The role × root-field matrix of the access tests, derived — never listed by hand — from what the
 * hub declares: every Query and Mutation field of every registry subgraph's SDL, the roles its
 * `@access` rules allow (the field's own rule, else its return type's, else its parent type's, else
 * the subgraph's default), and an operation that calls it with sample arguments built from the API
 * schema. A new subgraph's root fields are covered without editing the test. This reading of the
 * rules (directives.graphql: a field's rule overrides its type's; a type without one takes the
 * subgraph's default) is written apart from the enforcement it checks (platform/access/rules.ts).
 */
export interface RootFieldCase {
  coordinate: string;
  subgraph: string;
  operation: 'query' | 'mutation';
  document: string;
  variables: Record<string, unknown>;
  allowed: readonly HubRole[];
}

/** Sample values of custom scalars for generated arguments; a scalar without one fails loudly. */
const SCALAR_SAMPLES: Record<string, unknown> = {
  ID: '5c0f4b7e-8a3d-4e59-9b1a-2f6c7d8e9a0b',
  String: 'x',
  Int: 1,
  Float: 1,
  Boolean: true,
  DateTime: '2025-06-01T00:00:00.000Z',
  Decimal: '1',
};

type WithDirectives = { directives?: readonly ConstDirectiveNode[] };

function accessRoles(node: WithDirectives | undefined): readonly HubRole[] | null {
  const found = node?.directives?.find((d) => d.name.value === 'access');
  if (!found) return null;
  const arg = found.arguments?.find((a) => a.name.value === 'roles');
  if (!arg || arg.value.kind !== Kind.LIST) throw new Error('@access without a roles list');
  return arg.value.values.map((v) => (v.kind === Kind.STRING ? (v.value as HubRole) : ('' as HubRole)));
}

/** Type name → its @access roles (the first definition or extension that declares one), in one SDL. */
function typeRules(sdl: string): { types: Map<string, readonly HubRole[]>; fields: Map<string, { node: WithDirectives; type: string }[]> } {
  const doc = parse(sdl);
  const types = new Map<string, readonly HubRole[]>();
  const fields = new Map<string, { node: WithDirectives; type: string }[]>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const roles = accessRoles(def);
    if (roles && !types.has(def.name.value)) types.set(def.name.value, roles);
    const list = fields.get(def.name.value) ?? [];
    for (const f of def.fields ?? []) {
      let t = f.type;
      while (t.kind !== Kind.NAMED_TYPE) t = t.type;
      list.push({ node: f, type: t.name.value });
    }
    fields.set(def.name.value, list);
  }
  return { types, fields };
}

function sample(type: GraphQLInputType, path: string): unknown {
  if (isNonNullType(type)) return sample(type.ofType, path);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, sample(f.type, `${path}.${f.name}`)]),
    );
  }
  if (isScalarType(type) && type.name in SCALAR_SAMPLES) return SCALAR_SAMPLES[type.name];
  throw new Error(
    `no sample value for scalar ${String(getNamedType(type))} (argument ${path}): add one to SCALAR_SAMPLES in tests/helpers/access-matrix.ts`,
  );
}

function operationFor(
  operation: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
): { document: string; variables: Record<string, unknown> } {
  const required = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined);
  const variables = Object.fromEntries(required.map((a) => [a.name, sample(a.type, `${field.name}.${a.name}`)]));
  const params = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) || isAbstractType(named) ? ' { __typename }' : '';
  return {
    document: `${operation} Matrix${params ? `(${params})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables,
  };
}

/** Every root field of every registry subgraph, with the roles allowed to call it. */
export function rootFieldMatrix(api: GraphQLSchema): RootFieldCase[] {
  const cases: RootFieldCase[] = [];
  for (const subgraph of registry) {
    const { types, fields } = typeRules(readFileSync(subgraph.paths.sdl, 'utf8'));
    const defaults = subgraph.access === 'open' ? hubRoles : (subgraph.access.defaultRoles as readonly HubRole[]);
    for (const operation of ['query', 'mutation'] as const) {
      const root = operation === 'query' ? 'Query' : 'Mutation';
      const rootType = operation === 'query' ? api.getQueryType() : api.getMutationType();
      for (const { node, type } of fields.get(root) ?? []) {
        const name = (node as { name: { value: string } }).name.value;
        const field = rootType?.getFields()[name];
        if (!field) throw new Error(`${root}.${name} of ${subgraph.name} is not in the supergraph: run npm run compose`);
        // A field's own rule; else an object return type's (or the default); else the root type's (or the default).
        const returnsObject = isObjectType(getNamedType(field.type)) || isAbstractType(getNamedType(field.type));
        const allowed = accessRoles(node) ?? (returnsObject ? types.get(type) : types.get(root)) ?? defaults;
        cases.push({ coordinate: `${root}.${name}`, subgraph: subgraph.name, operation, ...operationFor(operation, field), allowed });
      }
    }
  }
  return cases;
}
