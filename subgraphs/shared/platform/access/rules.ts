import {
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { appError } from '#common/errors.js';
import { isHubRole } from '#common/identity.js';
import { isPersonalKind, maskers, type PersonalKind } from './mask.js';
import type { RequestAccess } from './request-access.js';

/**
 * A subgraph's access default: the roles that may read a type with no @access of its own, or
 * 'open' for a subgraph without business data (e.g. the federation compatibility fixtures).
 */
export type AccessPolicy = { defaultRoles: readonly string[] } | 'open';

interface Ctx {
  access: RequestAccess;
}

type AstCarrier = {
  astNode?: { directives?: readonly ConstDirectiveNode[] } | null;
  extensionASTNodes?: readonly { directives?: readonly ConstDirectiveNode[] }[];
};

function directive(on: AstCarrier, name: string): Record<string, unknown> | undefined {
  const nodes = [on.astNode, ...(on.extensionASTNodes ?? [])];
  for (const node of nodes) {
    const found = node?.directives?.find((d) => d.name.value === name);
    if (found) return Object.fromEntries((found.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
  }
  return undefined;
}

function roleList(value: unknown, where: string): readonly string[] {
  const roles = Array.isArray(value) ? value.map(String) : [];
  const unknown = roles.filter((r) => !isHubRole(r));
  if (unknown.length) throw new Error(`${where}: unknown role(s) ${unknown.join(', ')} (see subgraphs/shared/common/identity.ts)`);
  return roles;
}

const sameRoles = (a: readonly string[] | null, b: readonly string[] | null) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((r) => b.includes(r)));

const forbidden = (coordinate: string) => appError('FORBIDDEN', `Not allowed to read ${coordinate}`, { field: coordinate });

/** Apply f to a value or to what a promise resolves to, without making sync values async. */
const then = <T>(value: unknown, f: (v: unknown) => T): T | Promise<T> => (value instanceof Promise ? value.then(f) : f(value));

/**
 * Enforce the SDL's @access / @personal / @hospitalData declarations (directives.graphql) on an
 * executable subgraph schema, in place. Checks run only where they can change the outcome: every
 * root field, every entity reference (`_entities`, the IDOR path), and every field that leads into
 * a type with different rules than its parent's — so a response of 1,000 rows costs a few checks,
 * not one per field.
 */
export function applyAccessRules(schema: GraphQLSchema, policy: AccessPolicy): GraphQLSchema {
  const defaults = policy === 'open' ? null : roleList(policy.defaultRoles, 'access policy');
  const typeRoles = (type: GraphQLObjectType): readonly string[] | null => {
    const declared = directive(type, 'access');
    return declared ? roleList(declared.roles, type.name) : defaults;
  };
  const hospitalKey = (type: GraphQLObjectType): string | null => {
    const declared = directive(type, 'hospitalData');
    return declared && typeof declared.key === 'string' ? declared.key : null;
  };
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === '_Service') continue;
    const ownRoles = typeRoles(type);
    const ownKey = hospitalKey(type);
    wrapReference(type, ownRoles, ownKey);

    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (roots.has(type) && (field.name === '_service' || field.name === '_entities')) continue;
      const named = getNamedType(field.type);
      const targetRoles = isObjectType(named) ? typeRoles(named) : null;
      const declared = directive(field, 'access');
      const checks: (readonly string[])[] = [];
      if (declared) checks.push(roleList(declared.roles, coordinate));
      else if (roots.has(type)) {
        const roles = targetRoles ?? ownRoles;
        if (roles) checks.push(roles);
      }
      if (!roots.has(type) && targetRoles && !sameRoles(targetRoles, ownRoles)) checks.push(targetRoles);
      const personal = readPersonal(field, coordinate);
      const track = isObjectType(named) ? hospitalKey(named) : null;
      if (!checks.length && !personal && !track) continue;

      const resolve: GraphQLFieldResolver<unknown, Ctx> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx: Ctx, info) => {
        for (const roles of checks) if (!ctx.access.hasRole(roles)) throw forbidden(coordinate);
        const result = resolve(source, args, ctx, info);
        if (personal) return then(result, (v) => mask(v, personal, ctx.access, coordinate));
        if (track) return then(result, (v) => record(v, track, ctx.access));
        return result;
      };
    }
  }
  return schema;
}

interface Personal {
  kind: PersonalKind;
  unmask: readonly string[];
}

function readPersonal(field: AstCarrier, coordinate: string): Personal | null {
  const declared = directive(field, 'personal');
  if (!declared) return null;
  const kind = String(declared.kind);
  if (!isPersonalKind(kind)) throw new Error(`${coordinate}: @personal kind ${kind} is not one of ${Object.keys(maskers).join(', ')}`);
  return { kind, unmask: roleList(declared.unmask ?? [], coordinate) };
}

/** Clear text only for an unmask role with a stated reason — and then it is recorded for the audit log. */
function mask(value: unknown, personal: Personal, access: RequestAccess, coordinate: string): unknown {
  if (value === null || value === undefined) return value;
  if (access.reason && personal.unmask.length && access.hasRole(personal.unmask)) {
    access.unmasked.add(coordinate);
    return value;
  }
  const masker = maskers[personal.kind];
  return Array.isArray(value)
    ? (value as unknown[]).map((v) => (typeof v === 'string' ? masker(v) : v))
    : typeof value === 'string'
      ? masker(value)
      : value;
}

function record(value: unknown, key: string, access: RequestAccess): unknown {
  if (Array.isArray(value)) for (const item of value) access.touched((item as Record<string, unknown> | null)?.[key]);
  else if (value) access.touched((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * `_entities`: the type's role check before any data access, and the touched hospital after.
 * @apollo/subgraph keeps `__resolveReference` in `extensions.apollo.subgraph.resolveReference`.
 */
function wrapReference(type: GraphQLObjectType, roles: readonly string[] | null, key: string | null): void {
  // An entity without __resolveReference resolves to its representation: still checked.
  if (!directive(type, 'key') || (!roles && !key)) return;
  type ReferenceResolver = (ref: unknown, ctx: Ctx, info: unknown) => unknown;
  const extensions = type.extensions as { apollo?: { subgraph?: { resolveReference?: ReferenceResolver } } };
  const original: ReferenceResolver = extensions.apollo?.subgraph?.resolveReference ?? ((ref) => ref);
  const checked: ReferenceResolver = (ref, ctx, info) => {
    if (roles && !ctx.access.hasRole(roles)) throw forbidden(type.name);
    const result = original(ref, ctx, info);
    return key ? then(result, (v) => record(v, key, ctx.access)) : result;
  };
  type.extensions = {
    ...type.extensions,
    apollo: { ...extensions.apollo, subgraph: { ...extensions.apollo?.subgraph, resolveReference: checked } },
  };
}
