import { defineConfig } from 'prisma/config';
import { prismaCliEnv } from '../engine/config.js';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: prismaCliEnv('audit'),
});
