/**
 * The subgraphs of the hub, by name. A name here means: SDL at subgraphs/<name>/<name>.graphql,
 * Prisma schema at prisma/<name>/, PostgreSQL schema "<name>" and a registry entry in registry.ts.
 * Kept free of imports so build tooling (codegen, compose) can read it cheaply.
 */
export const subgraphNames = ['directory', 'audit'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

/** Default port of each subgraph (the supergraph's routing URLs use them; override per deployment). */
export const defaultPorts: Record<SubgraphName, number> = { directory: 4001, audit: 4009 };
