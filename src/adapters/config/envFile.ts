import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';

/**
 * Reads `.env` (or the file ENV_FILE names) into the environment, with Node's own parser. A variable
 * already set in the environment wins over the file. Returns the file read, if any.
 */
let read: string | undefined;
/** The file the last `loadEnvFile` read (serve logs it). */
export const envFileRead = (): string | undefined => read;

export const loadEnvFile = (env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined => {
  const file = path.resolve(cwd, env.ENV_FILE ?? '.env');
  if (!existsSync(file)) {
    if (env.ENV_FILE) throw new ConfigError([`ENV_FILE: ${file} does not exist`]);
    return undefined;
  }
  process.loadEnvFile(file);
  read = file;
  return file;
};
