import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The data directory holds callers' names and numbers: 0700, and its files 0600. Existing files are fixed
 * (an older install, or what PGlite just wrote: its file system ignores the umask); the umask (0077) covers
 * what Node itself creates here.
 */
export const makePrivateDirectory = (directory: string): void => {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  process.umask(0o077);
  const fix = (dir: string): void => {
    chmodSync(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) fix(full);
      else if (entry.isFile()) chmodSync(full, 0o600);
    }
  };
  fix(directory);
};
