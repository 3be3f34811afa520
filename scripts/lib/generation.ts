/**
 * Every generation step of the hub, explicitly (npm 11 skips dependencies' install scripts): each
 * subgraph's Prisma client (through the offline schema-engine stand-in) and its resolver types
 * (graphql-codegen, committed). A step runs only when its inputs changed since it last ran — the
 * SHA-256 of what it reads (schema files, configuration, generator versions) is stamped on its
 * output — so `npm start` on an unchanged checkout generates nothing.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { ACCESS_DIRECTIVES_PATH } from '#platform/access/sdl.js';
import { repoRoot, type SubgraphPaths } from '#platform/paths.js';
import { prismaCliChildEnv } from '#prisma-engine/config.js';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
const sha256 = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex');
const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** What generation needs to know of a subgraph (a HubSubgraph has all of it). */
export interface GenerationTarget {
  name: string;
  database: boolean;
  models: Record<string, string>;
  paths: SubgraphPaths;
}

export interface GenerationResult {
  /** Steps that ran, e.g. `directory: prisma client`. */
  ran: string[];
  /** Steps whose inputs had not changed. */
  skipped: string[];
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Prisma clients

const PRISMA_STAMP = '.inputs.sha256';
const prismaStamp = (t: GenerationTarget) => path.join(t.paths.generated, 'prisma', PRISMA_STAMP);
const prismaInputs = (t: GenerationTarget) => sha256('prisma-client', versionOf('prisma'), versionOf('@prisma/client'), read(t.paths.prismaSchema));

function prismaGenerate(t: GenerationTarget): Promise<void> {
  const cli = require.resolve('prisma/build/index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'generate', '--config', 'prisma/prisma.config.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: prismaCliChildEnv(process.env, t.name),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prisma generate for ${t.name} exited ${code}:\n${stderr}`))));
  });
}

// ---------------------------------------------------------------------------------------------
// Resolver types

const CODEGEN_PLUGINS = ['@graphql-codegen/cli', '@graphql-codegen/typescript', '@graphql-codegen/typescript-resolvers', '@graphql-codegen/add'];
const HASH_LINE = /^\/\/ inputs sha256: ([0-9a-f]{64})$/m;

/** Prisma model names of a schema (for the resolver types' mappers). */
export function prismaModels(schema: string): string[] {
  return [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1]!);
}

/**
 * GraphQL type → model type: a type named like a Prisma model (or mapped in `models`) is that
 * model; `<T>Connection` of such a type is a platform Connection of it; an entity this subgraph
 * keys but keeps no model of (the directory's Hospital, extended here) is its reference — its key
 * fields. Paths are relative to the generated file.
 */
export function resolverMappers(sdl: string, models: Record<string, string>, prisma: string[], pagination: string): Record<string, string> {
  const objects = parse(sdl).definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION);
  const types = [...new Set(objects.map((d) => d.name.value))];
  const known = new Set(prisma);
  const mappers: Record<string, string> = {};
  for (const type of types) {
    const model = models[type] ?? (known.has(type) ? type : undefined);
    if (model) mappers[type] = `./prisma/client.js#${model}`;
  }
  for (const type of types) {
    const node = type.endsWith('Connection') ? type.slice(0, -'Connection'.length) : null;
    const model = node ? mappers[node]?.split('#')[1] : undefined;
    if (model) mappers[type] = `${pagination}#Connection<${model}Model>`;
  }
  for (const def of objects) {
    if (mappers[def.name.value]) continue;
    const key = def.directives?.find((d) => d.name.value === 'key')?.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (key?.kind !== Kind.STRING || /[{}]/.test(key.value)) continue;
    const fields = new Map(objects.filter((d) => d.name.value === def.name.value).flatMap((d) => d.fields ?? []).map((f) => [f.name.value, f]));
    const reference = key.value.split(/\s+/).filter(Boolean).map((name) => {
      let t = fields.get(name)?.type;
      while (t && t.kind !== Kind.NAMED_TYPE) t = t.type;
      return `${name}: ${t?.name.value === 'Int' || t?.name.value === 'Float' ? 'number' : 'string'}`;
    });
    mappers[def.name.value] = `{ ${reference.join('; ')} }`;
  }
  return mappers;
}

function codegenEntry(t: GenerationTarget): { file: string; config: CodegenConfig['generates'][string]; hash: string } {
  const sdl = read(t.paths.sdl);
  const directives = read(ACCESS_DIRECTIVES_PATH);
  // codegen reads `path#Type`, so the platform's pagination module is named by a relative path here.
  const pagination = path.relative(path.dirname(t.paths.resolverTypes), path.join(repoRoot, 'subgraphs/shared/platform/pagination.js'));
  const mappers = resolverMappers(sdl, t.models, t.database ? prismaModels(read(t.paths.prismaSchema)) : [], pagination);
  const config = {
    federation: true,
    useIndexSignature: true,
    useTypeImports: true,
    enumsAsTypes: true,
    contextType: '../context.js#Context',
    mapperTypeSuffix: 'Model',
    mappers,
    scalars: { Decimal: 'string', DateTime: 'Date | string', JSON: 'unknown' },
    avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
    maybeValue: 'T | null',
    inputMaybeValue: 'T | null | undefined',
  };
  const hash = sha256('resolver-types', ...CODEGEN_PLUGINS.map(versionOf), JSON.stringify(config), sdl, directives);
  const file = path.relative(repoRoot, t.paths.resolverTypes);
  return {
    file,
    hash,
    config: {
      schema: [path.relative(repoRoot, t.paths.sdl), path.relative(repoRoot, ACCESS_DIRECTIVES_PATH)],
      plugins: [
        { add: { content: `/* eslint-disable */\n// Generated by graphql-codegen from the SDL — do not edit. Run \`npm run generate\`.\n// inputs sha256: ${hash}` } },
        'typescript',
        'typescript-resolvers',
      ],
      config,
    },
  };
}

const resolverTypesCurrent = (t: GenerationTarget, hash: string) => HASH_LINE.exec(read(t.paths.resolverTypes))?.[1] === hash;

async function runCodegen(entries: ReturnType<typeof codegenEntry>[]): Promise<void> {
  const { generate } = await import('@graphql-codegen/cli');
  const generates = Object.fromEntries(entries.map((e) => [e.file, e.config]));
  const cwd = process.cwd();
  process.chdir(repoRoot);
  try {
    await generate({ overwrite: true, silent: true, generates, hooks: {} }, true);
  } finally {
    process.chdir(cwd);
  }
}

// ---------------------------------------------------------------------------------------------

/** At most this many Prisma CLIs at once: each is a Node process of its own (2 cores here). */
const PARALLEL = 2;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/**
 * Bring every target's generated code up to date: only the steps whose inputs changed run, unless
 * `force`. The Prisma clients run in parallel with each other and with codegen.
 */
export async function ensureGenerated(targets: readonly GenerationTarget[], opts: { force?: boolean } = {}): Promise<GenerationResult> {
  const started = performance.now();
  const ran: string[] = [];
  const skipped: string[] = [];
  const prisma = targets.filter((t) => t.database).map((t) => ({ t, hash: prismaInputs(t) }));
  const stalePrisma = prisma.filter(({ t, hash }) => opts.force || read(prismaStamp(t)).trim() !== hash);
  const codegen = targets.map((t) => ({ t, entry: codegenEntry(t) }));
  const staleCodegen = codegen.filter(({ t, entry }) => opts.force || !resolverTypesCurrent(t, entry.hash));
  for (const { t } of prisma) if (!stalePrisma.some((s) => s.t === t)) skipped.push(`${t.name}: prisma client`);
  for (const { t } of codegen) if (!staleCodegen.some((s) => s.t === t)) skipped.push(`${t.name}: resolver types`);

  await Promise.all([
    inParallel(stalePrisma, PARALLEL, async ({ t, hash }) => {
      await prismaGenerate(t);
      mkdirSync(path.dirname(prismaStamp(t)), { recursive: true });
      writeFileSync(prismaStamp(t), `${hash}\n`);
      ran.push(`${t.name}: prisma client`);
    }),
    staleCodegen.length
      ? runCodegen(staleCodegen.map((s) => s.entry)).then(() => ran.push(...staleCodegen.map(({ t }) => `${t.name}: resolver types`)))
      : Promise.resolve(),
  ]);
  return { ran, skipped, seconds: (performance.now() - started) / 1000 };
}
