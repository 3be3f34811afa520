import { businessRoles } from '#common/identity.js';
import { defineSubgraph } from '#platform/define.js';
import { createContext } from './context.js';
import { resolvers } from './resolvers/index.js';
import { directorySeed } from './seed/index.js';

/**
 * The directory: regions, hospitals, departments, staff, suppliers and products — the entities
 * every domain refers to by key. Business readers only; the administrator roles (三员) read
 * nothing here, and Staff narrows it further in the SDL.
 */
export const directory = defineSubgraph({
  name: 'directory',
  port: 4001,
  access: { defaultRoles: businessRoles },
  resolvers,
  createContext,
  seed: directorySeed,
});
