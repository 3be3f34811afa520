import { defineConfig } from 'prisma/config';
import { prismaCliEnv } from '#prisma-engine/config.js';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: prismaCliEnv('directory'),
});
