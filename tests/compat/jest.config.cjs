// Jest configuration for the Apollo Federation subgraph compatibility suite, run against the hub
// (tests/compat/run.ts starts the stack and runs jest with this config). Equivalent to the suite's
// own federation-jest.config.js, without ts-jest (the compiled dist/tests are plain CommonJS) and
// with one redirect: the suite's HTTP client goes through ./jest/make-fetch-happen.cjs, which points
// its hard-coded router URL (http://localhost:4000/) at our gateway. Nothing in node_modules is edited.
const { dirname, join } = require('node:path');

const cliDir = dirname(require.resolve('@apollo/federation-subgraph-compatibility/package.json'));
const suiteDir = dirname(require.resolve('@apollo/federation-subgraph-compatibility-tests/package.json', { paths: [cliDir] }));
const makeFetchHappen = require.resolve('make-fetch-happen', { paths: [join(suiteDir, 'dist', 'utils')] });

/** @type {import('jest').Config} */
module.exports = {
  rootDir: join(suiteDir, 'dist'),
  roots: ['<rootDir>/tests'],
  testMatch: ['<rootDir>/tests/*.test.js'],
  testEnvironment: 'node',
  // The suite lives in node_modules: keep jest from ignoring it (as federation-jest.config.js does).
  haste: { retainAllFiles: true },
  testPathIgnorePatterns: [],
  transform: {},
  watchman: false,
  moduleNameMapper: { '^make-fetch-happen$': join(__dirname, 'jest', 'make-fetch-happen.cjs') },
  globals: { __COMPAT_MAKE_FETCH_HAPPEN__: makeFetchHappen },
  testTimeout: 15000,
};
