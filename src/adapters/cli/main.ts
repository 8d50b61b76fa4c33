import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config';
import { loadEnvFile } from '../config/envFile';
import { DataDirectoryInUse } from '../sql/dataDirectoryLock';
import { auditCommand } from './auditCommand';
import { duplicatesCommand } from './duplicatesCommand';
import { reconcileCommand } from './reconcileCommand';
import { rebuildCommand, UsageError } from './rebuildCommand';
import { retellFunctionsCommand } from './retellFunctionsCommand';
import { timelineCommand } from './timelineCommand';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const;

export const buildProgram = (): Command => {
  const program = new Command('booking-ledger')
    .description('Event-sourced booking ledger between a Retell voice agent and Cal.com')
    .exitOverride();
  // Each command loads what it runs when it runs (the HTTP service, the stores): a usage mistake or a --url call starts in a fraction of the time.
  program
    .command('serve')
    .description('Start the HTTP service (Retell functions, Cal.com webhooks, read endpoints)')
    .action(async () => (await import('./serveCommand')).serve());
  program.addCommand(rebuildCommand());
  program.addCommand(reconcileCommand());
  program.addCommand(timelineCommand());
  program.addCommand(duplicatesCommand());
  program.addCommand(retellFunctionsCommand());
  program.addCommand(auditCommand());
  // Every command reports a usage mistake as a CommanderError (exit 2), never by exiting itself.
  for (const command of program.commands) command.exitOverride();
  return program;
};

export const main = async (argv: string[]): Promise<void> => {
  try {
    loadEnvFile();
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT.config);
    }
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT.usage);
    }
    if (error instanceof DataDirectoryInUse) {
      const command = argv.slice(2).join(' ');
      process.stderr.write(
        `${error.message}\n${command.startsWith('serve') ? '' : `Ask the running service instead: booking-ledger ${command} --url http://127.0.0.1:<PORT> (with ADMIN_TOKEN set or --token)\n`}`,
      );
      process.exit(EXIT.failure);
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failure);
  }
};
