/** Model types behind the GraphQL types (codegen mappers, see ../codegen.mappers.json). */
export type { Entry } from './__generated__/prisma/client.js';
export type { Connection } from '#platform/pagination.js';
