// eslint-disable-next-line @typescript-eslint/no-require-imports
const Reporter = require('../support/skippedSuitesReporter.js') as new () => { onRunComplete(c: unknown, r: unknown): void };

describe('npm test names what it skipped and why', () => {
  it('lists each skipped suite by its title, which says what it needs', () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(chunk), true)) as typeof process.stderr.write;
    try {
      new Reporter().onRunComplete(undefined, {
        testResults: [
          { testFilePath: `${process.cwd()}/test/eventStore/esdb.conformance.test.ts`, testResults: [{ status: 'pending', ancestorTitles: ['EventStoreDB conformance (set EVENTSTORE_URL to run)'] }] },
          { testFilePath: `${process.cwd()}/test/x.test.ts`, testResults: [{ status: 'passed', ancestorTitles: ['ran'] }] },
        ],
      });
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toContain('  - EventStoreDB conformance (set EVENTSTORE_URL to run)  [test/eventStore/esdb.conformance.test.ts]');
    expect(written.join('')).not.toContain('ran');
  });
});
