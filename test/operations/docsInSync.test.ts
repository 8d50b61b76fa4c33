import { readFileSync } from 'node:fs';
import path from 'node:path';
import { STATUS_TABLE_END, STATUS_TABLE_START, statusTableMarkdown } from '../../src/application/statusSentences';

const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

describe('README says what the code says', () => {
  it('shows the exact sentence of every status, as the code builds it (run `npm run docs:statuses` after changing a message)', () => {
    const start = readme.indexOf(STATUS_TABLE_START) + STATUS_TABLE_START.length;
    const end = readme.indexOf(STATUS_TABLE_END);
    expect(readme.slice(start, end).trim()).toBe(statusTableMarkdown());
  });

  it('gives the test command that .ci/run runs', () => {
    expect(readme).toContain('npm test                # every test');
    expect(readFileSync(path.resolve(__dirname, '../../.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
