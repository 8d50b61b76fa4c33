import { Command, Option } from 'commander';
import { loadConfig } from '../config/config';
import { retellFunctionDefinitions } from '../http/retell/functionSpecs';
import { UsageError } from './rebuildCommand';

/**
 * `booking-ledger retell-functions [--base-url URL] [--language de|en] [--args-only] [--practice ID]`: the
 * functions with the JSON Schemas of their arguments, as JSON on stdout (the same as
 * GET /retell/functions). Opens no store; reads the configuration only for `--practice`.
 */
export const retellFunctionsCommand = () =>
  new Command('retell-functions')
    .description('Print the Retell custom functions (name, description, URL, parameters JSON Schema) as JSON')
    .option('--base-url <url>', "the service's public base URL, e.g. https://booking.example.org (adds each function's url)")
    .addOption(new Option('--language <language>', 'argument names and descriptions').choices(['de', 'en']).default('de'))
    .option('--args-only', 'for Retell\'s "Payload: args only" mode: call_id becomes a required argument')
    .option('--practice <id>', "a practice of PRACTICES_FILE: its /p/<id>/ URLs and its services as an enum")
    .action((options: { baseUrl?: string; language: 'de' | 'en'; argsOnly?: boolean; practice?: string }) => {
      if (options.baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.baseUrl)) {
        throw new UsageError(`--base-url must be an http(s) URL such as https://booking.example.org, not "${options.baseUrl}"`);
      }
      const practices = options.practice === undefined ? [] : loadConfig().practices;
      const practice = practices.find((p) => p.id === options.practice);
      if (options.practice !== undefined && !practice) throw new UsageError(`--practice: no practice "${options.practice}" (known: ${practices.map((p) => p.id).join(', ') || 'none'})`);
      const functions = retellFunctionDefinitions({ baseUrl: options.baseUrl, language: options.language, argsOnly: options.argsOnly === true, practice });
      process.stdout.write(`${JSON.stringify({ functions }, null, 2)}\n`);
    });
