import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The newest modification time under a directory: its files and its directories (a deleted file changes its directory's). */
const newestUnder = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (newest, entry) => Math.max(newest, entry.isDirectory() ? newestUnder(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).mtimeMs),
    statSync(dir).mtimeMs,
  );

/**
 * Whether dist/ was built after the last change to src/ or to the build's settings: tsc writes
 * dist/.tsbuildinfo at the end of every build (tsconfig.build.json), so a newer one means nothing to rebuild.
 */
export const distIsFresh = (root: string): boolean => {
  const buildInfo = path.join(root, 'dist/.tsbuildinfo');
  if (!existsSync(buildInfo)) return false;
  const inputs = Math.max(newestUnder(path.join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((file) => statSync(path.join(root, file)).mtimeMs));
  return statSync(buildInfo).mtimeMs > inputs;
};
