import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Two projects (graphql-hive/gateway style): unit `*.test.ts`, end-to-end `*.e2e.ts` on real PostgreSQL. */
export default defineConfig({
  // One graphql realm: Node resolves `graphql` to its CommonJS build (as @apollo/gateway requires it);
  // Vite would pick the `module` (.mjs) build for our imports and the gateway would see two copies.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['{subgraphs,gateway,scripts,prisma,deploy,bench}/**/*.test.ts', 'tests/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // Unit tests first; e2e files after, two at a time (2 cores), each on its own database.
          sequence: { groupOrder: 1 },
          include: ['tests/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
