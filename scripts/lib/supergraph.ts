import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges, parse, type BreakingChange } from 'graphql';
import { readFileSync as read } from 'node:fs';
import { registry } from '../../subgraphs/registry.js';
import { withAccessDirectives } from '#platform/access/sdl.js';

export const SUPERGRAPH_PATH = 'schema/supergraph.graphql';
export const ACK_DIR = 'schema/breaking-changes';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** The hub's subgraphs as composition input: SDL from the source of truth, default routing URLs. */
export function hubSubgraphs(): SubgraphSource[] {
  return registry.map((s) => ({
    name: s.name,
    url: `http://localhost:${s.port}/graphql`,
    sdl: withAccessDirectives(read(s.paths.sdl, 'utf8')),
  }));
}

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function compose(subgraphs: SubgraphSource[]): ComposeResult {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors?.length)
    return {
      ok: false,
      errors: result.errors.map((e) => `${typeof e.extensions?.code === 'string' ? e.extensions.code : 'ERROR'}: ${e.message}`),
    };
  return { ok: true, supergraphSdl: result.supergraphSdl! };
}

/** The client-facing (API) schema of a supergraph: what a breaking change is judged against. */
export function apiSchema(supergraphSdl: string) {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** A breaking change as one line, e.g. `FIELD_REMOVED Hospital.bedCount was removed.` */
export const describe = (change: BreakingChange) => `${change.type} ${change.description}`;

export function breakingChanges(oldSupergraph: string, newSupergraph: string): string[] {
  return findBreakingChanges(apiSchema(oldSupergraph), apiSchema(newSupergraph)).map(describe);
}

/** Breaking changes not quoted, line for line, in any of the acknowledgement texts. */
export function unacknowledged(changes: string[], acknowledgements: string[]): string[] {
  return changes.filter((line) => !acknowledgements.some((text) => text.includes(line)));
}
