import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type DocumentNode } from 'graphql';

/** The access directives' definitions (directives.graphql), prepended to every subgraph's SDL. */
export const ACCESS_DIRECTIVES_PATH = fileURLToPath(new URL('./directives.graphql', import.meta.url));
const accessDirectivesSdl = readFileSync(ACCESS_DIRECTIVES_PATH, 'utf8');

/** The domain contract's shared types (Period, Finding…), for the subgraphs that use them. */
export const CONTRACT_SDL_PATH = fileURLToPath(new URL('../contract/contract.graphql', import.meta.url));
const contractSdl = readFileSync(CONTRACT_SDL_PATH, 'utf8');
const CONTRACT_TYPES = /\b(Period|Finding|FindingSeverity)\b/;

/**
 * The platform's SDL files a subgraph's SDL needs: always the access directives; the contract's
 * types when the SDL names one of them (a domain adopts them by using them).
 */
export const platformSdlFiles = (sdl: string): string[] =>
  CONTRACT_TYPES.test(sdl.replace(/"""[\s\S]*?"""|#.*$/gm, '')) ? [ACCESS_DIRECTIVES_PATH, CONTRACT_SDL_PATH] : [ACCESS_DIRECTIVES_PATH];

/** A subgraph's SDL as the platform, codegen and composition see it: its file + the platform's definitions it uses. */
export const withAccessDirectives = (sdl: string): string =>
  [sdl, accessDirectivesSdl, ...(platformSdlFiles(sdl).includes(CONTRACT_SDL_PATH) ? [contractSdl] : [])].join('\n');

export function loadSubgraphTypeDefs(file: URL): DocumentNode {
  return parse(withAccessDirectives(readFileSync(file, 'utf8')));
}
