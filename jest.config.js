/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
  // Two files at a time: integration suites each work in a schema of their own on the shared PostgreSQL.
  maxWorkers: 2,
  // One PGlite template dump per run: each in-memory test database loads it instead of running initdb.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  // The default reporter, and a list of what was skipped and why at the end.
  reporters: ['default', '<rootDir>/test/support/skippedSuitesReporter.js'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jestSetup.ts'],
  // Transpile only (SWC, several times faster than ts-jest); `npm test` type-checks the whole project beside the run (tsc --noEmit).
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }],
  },
};
