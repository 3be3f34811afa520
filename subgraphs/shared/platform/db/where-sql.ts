/**
 * Prisma where-inputs as SQL conditions, for the statements Prisma cannot express (the batched
 * nested pages of ../loaders.ts). The point is that a subgraph states its filters and its row scope
 * once, as the where-inputs its root lists give Prisma, and the batched statement applies exactly
 * those. The SQL mirrors what Prisma 7 generates for the same input (its quirks included: `contains`
 * and insensitive `equals` do not escape LIKE wildcards), so a nested list and a root list with the
 * same filter return the same rows (where-sql.test.ts compares them). What it does not know it
 * refuses, with an error naming the filter: a silently dropped condition would widen a scope.
 */
import type { ModelInfo, ModelMap, ScalarField } from './model-map.js';

/** SQL standing where a where-input expects a value: the parent key of a batched statement (`p.parent`). */
export class SqlExpression {
  constructor(readonly sql: string) {}
}

const SCALAR_FILTERS = new Set([
  'equals',
  'not',
  'in',
  'notIn',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'startsWith',
  'endsWith',
  'mode',
  'has',
  'hasSome',
  'hasEvery',
  'isEmpty',
]);
const COMPARISONS = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A filter object, as opposed to a value (a Date, a Decimal, a Buffer, an SqlExpression are values). */
const isFilterObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

const defined = (o: Record<string, unknown>) => Object.entries(o).filter(([, v]) => v !== undefined);
const all = (parts: string[]) => (parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`);
const any = (parts: string[]) => (parts.length === 0 ? 'FALSE' : parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`);

/**
 * One statement's compilation: its parameters ($1, $2, … in the order added) and table aliases.
 * Where an SqlExpression is compared with a column, that column's type is remembered (`typeOf`),
 * so the statement can give the array behind the expression the same type (an index on a char(18)
 * or uuid column is not used when compared with text).
 */
export class WhereCompiler {
  readonly params: unknown[] = [];
  private aliases = 0;
  private readonly types = new Map<SqlExpression, string>();

  constructor(readonly models: ModelMap) {}

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  alias(): string {
    return `t${this.aliases++}`;
  }

  table(model: ModelInfo): string {
    return `${quoteIdent(this.models.schema)}.${quoteIdent(model.table)}`;
  }

  /** A NULL of a column's type: `(NULL::"schema"."table")."column"` — a type for PostgreSQL to infer a parameter's from, without naming it. */
  typedNull(model: ModelInfo, field: ScalarField): string {
    return `(NULL::${this.table(model)}).${quoteIdent(field.column)}`;
  }

  /** The typed NULL of the first column `expr` was compared with, if any. */
  typeOf(expr: SqlExpression): string | undefined {
    return this.types.get(expr);
  }

  /** `where` on model `modelName` for the row aliased `alias`: an SQL condition (TRUE when empty). */
  where(modelName: string, alias: string, where: object | null | undefined): string {
    const model = this.models.model(modelName);
    if (!where) return 'TRUE';
    const parts: string[] = [];
    for (const [key, value] of defined(where as Record<string, unknown>)) {
      if (key === 'AND') parts.push(all(list(value).map((w) => this.where(modelName, alias, w))));
      else if (key === 'OR') parts.push(any((value as object[]).map((w) => this.where(modelName, alias, w))));
      else if (key === 'NOT') parts.push(all(list(value).map((w) => `(NOT ${this.where(modelName, alias, w)})`)));
      else if (model.scalars.has(key)) parts.push(this.scalar(model, alias, model.scalars.get(key)!, value));
      else if (model.relations.has(key)) parts.push(this.relation(model, alias, key, value));
      else throw new Error(`where-sql: ${modelName} has no field ${key}`);
    }
    return all(parts);
  }

  private value(model: ModelInfo, field: ScalarField, v: unknown, compared: boolean): string {
    if (v instanceof SqlExpression) {
      if (compared && !this.types.has(v)) this.types.set(v, this.typedNull(model, field));
      return v.sql;
    }
    return this.param(v);
  }

  private scalar(model: ModelInfo, alias: string, field: ScalarField, filter: unknown): string {
    const col = `${quoteIdent(alias)}.${quoteIdent(field.column)}`;
    if (filter === null) return `${col} IS NULL`;
    if (!isFilterObject(filter)) return `${col} = ${this.value(model, field, filter, true)}`;
    const unsupported = defined(filter)
      .map(([k]) => k)
      .filter((k) => !SCALAR_FILTERS.has(k));
    if (unsupported.length) throw new Error(`where-sql: filter ${unsupported.join(', ')} on ${model.name}.${field.name} is not supported`);
    const insensitive = filter.mode === 'insensitive';
    const text = `${col}::text`;
    const like = insensitive ? 'ILIKE' : 'LIKE';
    const pattern = (v: unknown) => this.value(model, field, v, false);
    const parts: string[] = [];
    for (const [op, v] of defined(filter)) {
      if (op === 'mode') continue;
      if (insensitive && !['equals', 'contains', 'startsWith', 'endsWith', 'not'].includes(op)) {
        throw new Error(`where-sql: mode insensitive with ${op} on ${model.name}.${field.name} is not supported`);
      }
      switch (op) {
        case 'equals':
          parts.push(
            v === null ? `${col} IS NULL` : insensitive ? `${text} ILIKE ${pattern(v)}` : `${col} = ${this.value(model, field, v, true)}`,
          );
          break;
        case 'not':
          if (v === null) parts.push(`${col} IS NOT NULL`);
          else if (isFilterObject(v)) parts.push(`(NOT ${this.scalar(model, alias, field, { mode: filter.mode, ...v })})`);
          else if (insensitive) throw new Error(`where-sql: mode insensitive with not on ${model.name}.${field.name} is not supported`);
          else parts.push(`${col} <> ${this.value(model, field, v, true)}`);
          break;
        case 'in':
          parts.push((v as unknown[]).length === 0 ? 'FALSE' : `${col} = ANY(${this.param(v)})`);
          break;
        case 'notIn':
          parts.push((v as unknown[]).length === 0 ? 'TRUE' : `NOT (${col} = ANY(${this.param(v)}))`);
          break;
        case 'lt':
        case 'lte':
        case 'gt':
        case 'gte':
          parts.push(`${col} ${COMPARISONS[op]} ${this.value(model, field, v, true)}`);
          break;
        case 'contains':
          parts.push(`${text} ${like} ('%' || ${pattern(v)} || '%')`);
          break;
        case 'startsWith':
          parts.push(`${text} ${like} (${pattern(v)} || '%')`);
          break;
        case 'endsWith':
          parts.push(`${text} ${like} ('%' || ${pattern(v)})`);
          break;
        case 'has':
          parts.push(`${this.param(v)} = ANY(${col})`);
          break;
        case 'hasSome':
          parts.push(`${col} && ${this.param(v)}`);
          break;
        case 'hasEvery':
          parts.push(`${col} @> ${this.param(v)}`);
          break;
        case 'isEmpty':
          parts.push(v ? `cardinality(${col}) = 0` : `cardinality(${col}) > 0`);
          break;
      }
    }
    return all(parts);
  }

  private relation(model: ModelInfo, alias: string, name: string, filter: unknown): string {
    const rel = model.relations.get(name)!;
    if (rel.on.length === 0)
      throw new Error(`where-sql: relation ${model.name}.${name} has no foreign key to join on (implicit many-to-many?)`);
    const related = this.models.model(rel.model);
    const columnOf = (m: ModelInfo, field: string) => m.scalars.get(field)!.column;
    /** EXISTS (a related row [matching `where`]). */
    const exists = (where: unknown, negate = false) => {
      const t = this.alias();
      const join = rel.on.map(
        ([mine, theirs]) =>
          `${quoteIdent(t)}.${quoteIdent(columnOf(related, theirs))} = ${quoteIdent(alias)}.${quoteIdent(columnOf(model, mine))}`,
      );
      const cond = where === undefined ? [] : [negate ? `(NOT ${this.where(rel.model, t, where)})` : this.where(rel.model, t, where)];
      return `EXISTS (SELECT 1 FROM ${this.table(related)} AS ${quoteIdent(t)} WHERE ${all([...join, ...cond])})`;
    };
    const absent = () =>
      rel.owning
        ? all(rel.on.map(([mine]) => `${quoteIdent(alias)}.${quoteIdent(columnOf(model, mine))} IS NULL`))
        : `NOT ${exists(undefined)}`;

    if (rel.list) {
      if (!isFilterObject(filter)) throw new Error(`where-sql: ${model.name}.${name} is a list: filter it with some, every or none`);
      const parts: string[] = [];
      for (const [op, w] of defined(filter)) {
        if (op === 'some') parts.push(exists(w));
        else if (op === 'none') parts.push(`NOT ${exists(w)}`);
        else if (op === 'every') parts.push(`NOT ${exists(w, true)}`);
        else throw new Error(`where-sql: filter ${op} on ${model.name}.${name} is not supported`);
      }
      return all(parts);
    }
    if (filter === null) return absent();
    if (!isFilterObject(filter)) throw new Error(`where-sql: ${model.name}.${name} is a relation: filter it with a where-input`);
    if (!('is' in filter) && !('isNot' in filter)) return exists(filter);
    const parts: string[] = [];
    for (const [op, w] of defined(filter)) {
      if (op === 'is') parts.push(w === null ? absent() : exists(w));
      // Prisma: no related row, or one that does not match (NOT of a NULL condition is not a match).
      else if (op === 'isNot') parts.push(w === null ? `(NOT ${absent()})` : any([`(NOT ${exists(undefined)})`, exists(w, true)]));
      else throw new Error(`where-sql: filter ${op} on ${model.name}.${name} is not supported`);
    }
    return all(parts);
  }
}

const list = (v: unknown): object[] => (Array.isArray(v) ? (v as object[]) : [v as object]);
