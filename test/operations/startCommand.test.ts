import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The node flags of a command line `node <flags> bin/booking-ledger.js serve`. */
const nodeFlags = (words: string[]) => words.slice(words.indexOf('node') + 1, words.indexOf('bin/booking-ledger.js'));

describe('how the service is started', () => {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  const dockerCmd = JSON.parse(/^CMD (\[.*\])$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))![1]!) as string[];

  it('npm start runs serve with the 1 GiB V8 heap limit the README describes', () => {
    expect(start.split(/\s+/).slice(-2)).toEqual(['bin/booking-ledger.js', 'serve']);
    expect(nodeFlags(start.split(/\s+/))).toEqual(['--max-old-space-size=1024']);
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('`npm start` and the Docker image run node with `--max-old-space-size=1024`');
  });

  it('the Docker image starts it with the same node flags as npm start', () => {
    expect(dockerCmd.slice(-2)).toEqual(['bin/booking-ledger.js', 'serve']);
    expect(nodeFlags(dockerCmd)).toEqual(nodeFlags(start.split(/\s+/)));
  });
});
