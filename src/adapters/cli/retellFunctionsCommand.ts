import { Command, Option } from 'commander';
import { retellFunctionDefinitions } from '../http/retell/functionSpecs';
import { UsageError } from './rebuildCommand';

/**
 * `booking-ledger retell-functions [--base-url URL] [--language de|en] [--args-only]`: the four
 * functions with the JSON Schemas of their arguments, as JSON on stdout (the same as
 * GET /retell/functions). Needs no configuration and opens no store.
 */
export const retellFunctionsCommand = () =>
  new Command('retell-functions')
    .description('Print the Retell custom functions (name, description, URL, parameters JSON Schema) as JSON')
    .option('--base-url <url>', "the service's public base URL, e.g. https://booking.example.org (adds each function's url)")
    .addOption(new Option('--language <language>', 'argument names and descriptions').choices(['de', 'en']).default('de'))
    .option('--args-only', 'for Retell\'s "Payload: args only" mode: call_id becomes a required argument')
    .action((options: { baseUrl?: string; language: 'de' | 'en'; argsOnly?: boolean }) => {
      if (options.baseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.baseUrl)) {
        throw new UsageError(`--base-url must be an http(s) URL such as https://booking.example.org, not "${options.baseUrl}"`);
      }
      const functions = retellFunctionDefinitions({ baseUrl: options.baseUrl, language: options.language, argsOnly: options.argsOnly === true });
      process.stdout.write(`${JSON.stringify({ functions }, null, 2)}\n`);
    });
