import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { everything } from './fileModes';

/** The newest modification time under a directory: its files and its directories (a deleted file changes its directory's). */
const newestUnder = (dir: string): number => Math.max(...everything(dir).map((file) => statSync(file).mtimeMs));

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
