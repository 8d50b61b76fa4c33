/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
  // Three files at a time on 2 cores (integration suites each work in a schema of their own on the shared
  // PostgreSQL): many suites spend part of their time waiting (timers, child processes, the database), and a
  // third file fills that. Measured, `npm test` alternating on this 2-core host: 217 and 211 s with 3 against
  // 237 and 232 s with 2.
  maxWorkers: 3,
  // Builds dist/ if it is stale and makes the PGlite template dump (kept across runs): each in-memory test database loads it instead of running initdb.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  // The default reporter, and a list of what was skipped and why at the end.
  reporters: ['default', '<rootDir>/test/support/skippedSuitesReporter.js'],
  setupFilesAfterEnv: ['<rootDir>/test/support/jestSetup.ts'],
  // Transpile only (SWC, several times faster than ts-jest); `npm test` type-checks the whole project beside the run (tsc --noEmit).
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }],
  },
};
