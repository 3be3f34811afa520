import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where the Apollo Federation subgraph compatibility suite lives on disk. The CLI package
 * (@apollo/federation-subgraph-compatibility, a devDependency) brings the suite package
 * (@apollo/federation-subgraph-compatibility-tests): its jest tests, the products reference SDL
 * and the inventory/users reference subgraphs' SDL.
 */
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('@apollo/federation-subgraph-compatibility/package.json'));

export const suiteDir = dirname(require.resolve('@apollo/federation-subgraph-compatibility-tests/package.json', { paths: [cliDir] }));

export const suitePaths = {
  /** The compiled jest test files (one per feature). */
  testsDir: join(suiteDir, 'dist', 'tests'),
  /** The reference products schema the introspection test compares against. */
  productsSdl: join(suiteDir, 'products.graphql'),
  inventorySdl: join(suiteDir, 'dist', 'subgraphs', 'inventory', 'inventory.graphql'),
  usersSdl: join(suiteDir, 'dist', 'subgraphs', 'users', 'users.graphql'),
  /** make-fetch-happen as the suite's own HTTP client resolves it. */
  makeFetchHappen: require.resolve('make-fetch-happen', { paths: [join(suiteDir, 'dist', 'utils')] }),
} as const;

/**
 * The suite's assertions, by the name `fedtest` reports them under (its testRunner.ts TESTS):
 * a feature passes when no jest test under that describe/test name fails.
 */
export const FEATURES = [
  { assertion: 'introspection', fedVersion: 1, required: true },
  { assertion: '@key single', fedVersion: 1, required: true },
  { assertion: '@key multiple', fedVersion: 1, required: false },
  { assertion: '@key composite', fedVersion: 1, required: false },
  { assertion: 'repeatable @key', fedVersion: 1, required: false },
  { assertion: '@requires', fedVersion: 1, required: false },
  { assertion: '@provides', fedVersion: 1, required: false },
  { assertion: 'ftv1', fedVersion: 1, required: false },
  { assertion: '@link', fedVersion: 2, required: true },
  { assertion: '@shareable', fedVersion: 2, required: false },
  { assertion: '@tag', fedVersion: 2, required: false },
  { assertion: '@override', fedVersion: 2, required: false },
  { assertion: '@inaccessible', fedVersion: 2, required: false },
  { assertion: '@composeDirective', fedVersion: 2, required: false },
  { assertion: '@interfaceObject', fedVersion: 2, required: false },
] as const;

/** How many jest tests the suite (1.2.1) has in all. */
export const EXPECTED_TESTS = 23;
