import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getNamedType,
  isListType,
  getNullableType,
  isCompositeType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

export interface LimitOptions {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  /** Multiplier for a list field that has no page-size argument. */
  defaultListSize?: number;
  /** Multiplier for a page-size argument given as a variable without a default. */
  variablePageSize?: number;
}

interface Measure {
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
}

const PAGE_ARGS = ['first', 'last', 'limit'];

/**
 * One validation rule that measures each operation — depth, aliases (`__typename` included),
 * directives and an estimated cost (list sizes × nesting) — following fragments. Introspection
 * fields are not counted (they are off in production anyway). The cost error does not reveal
 * the limit (docs/security.md, "GraphQL limits").
 */
export function operationLimitsRule(opts: LimitOptions) {
  const defaultList = opts.defaultListSize ?? 10;
  const variablePage = opts.variablePageSize ?? 100;
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(op) {
        const root = rootType(schema, op);
        // The gateway's planner would fail on it with a 500: refuse it here as a client error.
        if (!root)
          return context.reportError(new GraphQLError(`This API has no ${op.operation} operations`, { nodes: [op], extensions: LIMIT }));
        const variableDefaults = new Map((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, v.defaultValue] as const));
        const pageSize = (value: ValueNode): number => {
          const node = value.kind === Kind.VARIABLE ? variableDefaults.get(value.name.value) : value;
          return node?.kind === Kind.INT ? Math.max(0, Number(node.value)) : variablePage;
        };
        const m: Measure = { depth: 0, aliases: 0, directives: op.directives?.length ?? 0, cost: 0 };
        m.cost = walk(op.selectionSet, root, 1, m, new Set(), pageSize);
        const fail = (message: string) => context.reportError(new GraphQLError(message, { nodes: [op], extensions: LIMIT }));
        if (m.depth > opts.maxDepth) fail(`Query depth ${m.depth} exceeds the maximum of ${opts.maxDepth}`);
        if (m.aliases > opts.maxAliases) fail(`Query has ${m.aliases} aliases, more than the maximum of ${opts.maxAliases}`);
        if (m.directives > opts.maxDirectives) fail(`Query has ${m.directives} directives, more than the maximum of ${opts.maxDirectives}`);
        if (m.cost > opts.maxCost) fail('Query is too expensive: ask for fewer items or less nesting');
      },
    };

    function walk(
      set: SelectionSetNode,
      parent: GraphQLCompositeType,
      depth: number,
      m: Measure,
      seen: Set<string>,
      pageSize: (v: ValueNode) => number,
    ): number {
      let cost = 0;
      for (const sel of set.selections) {
        m.directives += sel.directives?.length ?? 0;
        if (sel.kind === Kind.FIELD) {
          if (sel.alias) m.aliases += 1;
          if (sel.name.value.startsWith('__')) continue;
          m.depth = Math.max(m.depth, depth);
          const def = fieldDef(parent, sel);
          const type = def ? getNamedType(def.type) : undefined;
          const childCost =
            sel.selectionSet && type && isCompositeType(type) ? walk(sel.selectionSet, type, depth + 1, m, seen, pageSize) : 0;
          cost += 1 + multiplier(sel, def, pageSize) * childCost;
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const typed = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
          cost += walk(sel.selectionSet, typed && isCompositeType(typed) ? typed : parent, depth, m, seen, pageSize);
        } else {
          const frag = fragments.get(sel.name.value);
          if (!frag || seen.has(frag.name.value)) continue; // cycles are reported by NoFragmentCycles
          m.directives += frag.directives?.length ?? 0;
          const typed = schema.getType(frag.typeCondition.name.value);
          seen.add(frag.name.value);
          cost += walk(frag.selectionSet, typed && isCompositeType(typed) ? typed : parent, depth, m, seen, pageSize);
          seen.delete(frag.name.value);
        }
      }
      return cost;
    }

    function multiplier(field: FieldNode, def: GraphQLField<unknown, unknown> | undefined, pageSize: (v: ValueNode) => number): number {
      const pageArg = field.arguments?.find((a) => PAGE_ARGS.includes(a.name.value));
      if (pageArg) return pageSize(pageArg.value);
      const declared = def?.args.find((a) => PAGE_ARGS.includes(a.name));
      if (declared && typeof declared.defaultValue === 'number') return declared.defaultValue;
      // A connection's own edges/nodes lists are already counted by its page size.
      if (def && isListType(getNullableType(def.type)) && !/^(edges|nodes)$/.test(def.name)) return defaultList;
      return 1;
    }
  };
}

/**
 * Marks the hub's own limit errors: their messages reveal nothing about the schema, so they are
 * shown in production where other validation detail is not (schema-privacy.ts).
 */
export const LIMIT_EXTENSION = 'hubLimit';
const LIMIT = { [LIMIT_EXTENSION]: true };

function rootType(schema: GraphQLSchema, op: OperationDefinitionNode) {
  return op.operation === OperationTypeNode.QUERY
    ? schema.getQueryType()
    : op.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : schema.getSubscriptionType();
}

function fieldDef(parent: GraphQLCompositeType, field: FieldNode): GraphQLField<unknown, unknown> | undefined {
  return 'getFields' in parent ? parent.getFields()[field.name.value] : undefined;
}
