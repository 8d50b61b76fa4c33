/** The command-line options of the diagnosis scripts: `--name value`, and `--env KEY=VALUE` (repeatable). */
export const arg = (name: string, fallback?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

/** Every `--env KEY=VALUE`: more settings for the service process. */
export const envArgs = (): Record<string, string> =>
  Object.fromEntries(process.argv.flatMap((a, i) => (a === '--env' && process.argv[i + 1]?.includes('=') ? [process.argv[i + 1]!.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])));
