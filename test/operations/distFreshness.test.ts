import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { distIsFresh } from '../support/distFreshness';

/** The test run's globalSetup builds dist/ only when it is older than the sources (test/support/distFreshness.ts). */
describe('whether dist/ needs building before a test run', () => {
  let root: string;
  const at = (file: string, secondsAgo: number) => {
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path.join(root, file), when, when);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'bl-dist-'));
    mkdirSync(path.join(root, 'src/domain'), { recursive: true });
    mkdirSync(path.join(root, 'dist'));
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'src/domain/a.ts', 'src/domain/b.ts', 'dist/.tsbuildinfo']) writeFileSync(path.join(root, file), '');
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'src/domain/a.ts', 'src/domain/b.ts', 'src/domain', 'src']) at(file, 60);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('given a build after every change, then it is fresh', () => {
    expect(distIsFresh(root)).toBe(true);
  });
  it('given a source file changed after the build, then it is not', () => {
    at('dist/.tsbuildinfo', 30);
    expect(distIsFresh(root)).toBe(true);
    at('src/domain/a.ts', 10);
    expect(distIsFresh(root)).toBe(false);
  });
  it('given a source file deleted after the build, then it is not (its directory changed)', () => {
    at('dist/.tsbuildinfo', 30);
    rmSync(path.join(root, 'src/domain/b.ts'));
    expect(distIsFresh(root)).toBe(false);
  });
  it('given the build settings changed after the build, then it is not', () => {
    at('dist/.tsbuildinfo', 30);
    at('tsconfig.build.json', 10);
    expect(distIsFresh(root)).toBe(false);
  });
  it('given no build yet, then it is not', () => {
    rmSync(path.join(root, 'dist/.tsbuildinfo'));
    expect(distIsFresh(root)).toBe(false);
  });
});
