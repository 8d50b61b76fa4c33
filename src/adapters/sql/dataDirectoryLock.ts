import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** Another process (or this one) holds the PGlite data directory: PGlite is single-process. */
export class DataDirectoryInUse extends Error {
  constructor(
    readonly directory: string,
    readonly holderPid: number,
  ) {
    super(
      `The data directory ${directory} is in use by booking-ledger process ${holderPid}: PGlite serves one process only. ` +
        'Stop that process first, or talk to the running service over HTTP (CLI commands take --url and --token).',
    );
    this.name = 'DataDirectoryInUse';
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const holderOf = (lockPath: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * An exclusive lock on a data directory: the file `<dir>.lock` (beside it, so PGlite's own directory stays
 * its own), created atomically with this process's pid. A lock whose process is gone (killed) is taken
 * over. Returns the release function.
 */
export const lockDataDirectory = (directory: string): (() => void) => {
  const lockPath = `${directory}.lock`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n${new Date().toISOString()}\n`);
      closeSync(fd);
      return () => {
        if (holderOf(lockPath) === process.pid && existsSync(lockPath)) unlinkSync(lockPath);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(lockPath);
      if (holder !== undefined && isAlive(holder)) throw new DataDirectoryInUse(directory, holder);
      // The holder died without releasing it (e.g. SIGKILL), or the file is half written: take it over.
      try {
        unlinkSync(lockPath);
      } catch {
        // another process took it over first; try again
      }
    }
  }
  throw new DataDirectoryInUse(directory, holderOf(lockPath) ?? 0);
};
