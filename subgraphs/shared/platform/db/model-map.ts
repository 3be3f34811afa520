/**
 * What hand-written SQL needs to know of a subgraph's Prisma models: each model's table, each scalar
 * field's column, each relation's join fields. Read from the generated client itself, never mapped by
 * hand per model: its runtime data model gives the fields, their kinds, types and columns (`@map`), and
 * its inline schema (the schema.prisma it was generated from) gives what the runtime data model leaves
 * out — list fields, and the `fields` / `references` of each `@relation`.
 */

export interface ScalarField {
  name: string;
  /** The column (`@map`, else the field's name). */
  column: string;
  kind: 'scalar' | 'enum';
  /** Prisma's type: String, Int, BigInt, DateTime, Decimal, Boolean, Json, Bytes, Float, or the enum's name. */
  type: string;
  list: boolean;
  /** `@id` or `@unique`: one row per value (a keyset page's order must be unique). */
  unique: boolean;
}

export interface RelationField {
  name: string;
  /** The related model. */
  model: string;
  list: boolean;
  /** Join pairs, [field of this model, field of the related model]: `hospitalCode = code` is ['hospitalCode', 'code']. */
  on: [string, string][];
  /** This model holds the foreign key (`@relation(fields: …)`). */
  owning: boolean;
}

export interface ModelInfo {
  name: string;
  /** The table (`@@map`, else the model's name). */
  table: string;
  scalars: Map<string, ScalarField>;
  relations: Map<string, RelationField>;
}

export interface ModelMap {
  /** The PostgreSQL schema the client's adapter qualifies tables with. */
  schema: string;
  model(name: string): ModelInfo;
}

/** The generated client's runtime data model, as Prisma 7 ships it (`client._runtimeDataModel`). */
interface RuntimeDataModel {
  models: Record<
    string,
    { dbName: string | null; fields: { name: string; kind: string; type: string; dbName?: string | null; relationName?: string }[] }
  >;
}

/** The parts of a generated client read here: Prisma keeps them on the instance (not a public API). */
interface GeneratedClient {
  _runtimeDataModel?: RuntimeDataModel;
  _engineConfig?: { inlineSchema?: string };
}

const maps = new WeakMap<object, Map<string, ModelMap>>();

/** The model map of a generated Prisma client on `schema`, built once per client. */
export function modelMap(client: object, schema: string): ModelMap {
  let bySchema = maps.get(client);
  if (!bySchema) maps.set(client, (bySchema = new Map<string, ModelMap>()));
  let map = bySchema.get(schema);
  if (!map) bySchema.set(schema, (map = buildModelMap(client, schema)));
  return map;
}

function buildModelMap(client: GeneratedClient, schema: string): ModelMap {
  const runtime = client._runtimeDataModel;
  const inline = client._engineConfig?.inlineSchema;
  // A Prisma upgrade that moves these must fail here, loudly, not produce wrong SQL later.
  if (!runtime?.models || typeof inline !== 'string')
    throw new Error('model-map: this Prisma client carries no runtime data model or inline schema (Prisma upgraded?)');
  const declared = parseModelBlocks(inline);
  const models = new Map<string, ModelInfo>();
  const relationNames = new Map<string, string>(); // "Model.field" → relationName
  for (const [name, model] of Object.entries(runtime.models)) {
    const fields = declared.get(name);
    if (!fields) throw new Error(`model-map: model ${name} is not in the client's inline schema`);
    const info: ModelInfo = { name, table: model.dbName ?? name, scalars: new Map(), relations: new Map() };
    for (const f of model.fields) {
      const decl = fields.get(f.name);
      if (!decl) throw new Error(`model-map: field ${name}.${f.name} is not in the client's inline schema`);
      if (f.kind === 'scalar' || f.kind === 'enum') {
        info.scalars.set(f.name, {
          name: f.name,
          column: f.dbName ?? f.name,
          kind: f.kind,
          type: f.type,
          list: decl.list,
          unique: decl.unique,
        });
      } else if (f.kind === 'object') {
        info.relations.set(f.name, {
          name: f.name,
          model: f.type,
          list: decl.list,
          on: decl.fields.map((from, i) => [from, decl.references[i]!]),
          owning: decl.fields.length > 0,
        });
        relationNames.set(`${name}.${f.name}`, f.relationName ?? '');
      }
    }
    models.set(name, info);
  }
  // The side without `fields` joins through the other side's foreign key, reversed.
  for (const info of models.values()) {
    for (const rel of info.relations.values()) {
      if (rel.owning) continue;
      const name = relationNames.get(`${info.name}.${rel.name}`);
      const other = [...(models.get(rel.model)?.relations.values() ?? [])].find(
        (r) => r.owning && r.model === info.name && relationNames.get(`${rel.model}.${r.name}`) === name && r !== rel,
      );
      // Implicit many-to-many relations (a hidden join table) have no owning side: not joinable here.
      if (other) rel.on = other.on.map(([from, to]) => [to, from]);
    }
  }
  return {
    schema,
    model: (name) => {
      const info = models.get(name);
      if (!info) throw new Error(`model-map: no model ${name}`);
      return info;
    },
  };
}

interface DeclaredField {
  list: boolean;
  unique: boolean;
  fields: string[];
  references: string[];
}

/** Field declarations of each `model` block of a Prisma schema: arity, `@id` / `@unique`, `@relation(fields, references)`. */
export function parseModelBlocks(schema: string): Map<string, Map<string, DeclaredField>> {
  const models = new Map<string, Map<string, DeclaredField>>();
  for (const block of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, DeclaredField>();
    for (const raw of block[2]!.split('\n')) {
      const line = withoutComment(raw).trim();
      const m = /^(\w+)\s+\w+(\[\])?\??(?:\s+(.*))?$/.exec(line);
      if (!m) continue; // blank, a comment, or a block attribute (@@…)
      const attrs = m[3] ?? '';
      fields.set(m[1]!, {
        list: m[2] === '[]',
        unique: /@(id|unique)\b/.test(attrs),
        fields: listArg(attrs, 'fields'),
        references: listArg(attrs, 'references'),
      });
    }
    models.set(block[1]!, fields);
  }
  return models;
}

const listArg = (attrs: string, name: string): string[] =>
  new RegExp(`\\b${name}\\s*:\\s*\\[([^\\]]*)\\]`)
    .exec(attrs)?.[1]
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [];

/** A line without its `//` comment; `//` inside a string literal (a default URL) is not one. */
function withoutComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && line[i] === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}
