import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type DocumentNode } from 'graphql';

/** The access directives' definitions (directives.graphql), prepended to every subgraph's SDL. */
export const ACCESS_DIRECTIVES_PATH = fileURLToPath(new URL('./directives.graphql', import.meta.url));
const accessDirectivesSdl = readFileSync(ACCESS_DIRECTIVES_PATH, 'utf8');

/** A subgraph's SDL as the platform, codegen and composition see it: its file + the access directives. */
export const withAccessDirectives = (sdl: string): string => `${sdl}\n${accessDirectivesSdl}`;

export function loadSubgraphTypeDefs(file: URL): DocumentNode {
  return parse(withAccessDirectives(readFileSync(file, 'utf8')));
}
