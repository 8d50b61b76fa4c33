import { chmodSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** `dir` and everything below it. */
export const everything = (dir: string): string[] => [dir, ...readdirSync(dir, { withFileTypes: true, recursive: true }).map((entry) => path.join(entry.parentPath, entry.name))];

/** Every file and directory below `dir` (and `dir` itself) that group or others may read, write or enter. */
export const notPrivate = (dir: string): Array<{ file: string; mode: string }> =>
  everything(dir)
    .map((file) => ({ file, bits: statSync(file).mode & 0o777 }))
    .filter(({ bits }) => (bits & 0o077) !== 0)
    .map(({ file, bits }) => ({ file, mode: bits.toString(8) }));

/** As an older install left it: directories 0755, files 0644. */
export const makeReadableByEveryone = (dir: string): void => {
  for (const file of everything(dir)) chmodSync(file, statSync(file).isDirectory() ? 0o755 : 0o644);
};
