/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
  // Integration suites share one PostgreSQL database; run files one after another.
  maxWorkers: 1,
  setupFilesAfterEnv: ['<rootDir>/test/support/jestSetup.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: { warnOnly: false }, isolatedModules: false }] },
};
