// @ts-check
'use strict';

/**
 * After every run, names what was skipped and why (jest only counts them): each skipped describe block
 * says in its title what it needs, e.g. "EventStoreDB conformance (set EVENTSTORE_URL to run)".
 */
class SkippedSuitesReporter {
  /** @param {unknown} _contexts @param {{ testResults: Array<{ testFilePath: string; testResults: Array<{ status: string; ancestorTitles: string[] }> }> }} results */
  onRunComplete(_contexts, results) {
    const skipped = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped') continue;
        const title = test.ancestorTitles[0] ?? '(top level)';
        skipped.set(`${title}`, file.testFilePath.replace(`${process.cwd()}/`, ''));
      }
    }
    if (!process.env.DATABASE_URL) skipped.set('every suite on PostgreSQL (set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test, to run them)', 'test/support/databases.ts');
    if (skipped.size === 0) return;
    process.stderr.write('\nSkipped:\n');
    for (const [title, file] of skipped) process.stderr.write(`  - ${title}  [${file}]\n`);
  }
}

module.exports = SkippedSuitesReporter;
