import { Command, Option } from 'commander';
import { appointmentsProjectionDefinition, listDuplicates, runProjectionToEnd, type DuplicateUid } from '../../projections';
import { code, md } from '../../application/timeline/renderMarkdown';
import { plain } from '../../application/timeline/renderText';
import type { SqlExecutor } from '../sql/sqlDatabase';
import { withStores } from './cliContext';
import { askService, remoteOptions, type RemoteOptions } from './serviceClient';
import { EXIT_NOTHING_FOUND } from './exitCodes';

export type DuplicatesFormat = 'text' | 'json' | 'md';

export const renderDuplicatesText = (duplicates: DuplicateUid[]): string =>
  duplicates
    .map((d) =>
      [
        `Cal.com uid ${plain(d.calcomUid)}: ${d.bookingCount} bookings (first touched ${d.firstTouchedAt}, last ${d.lastTouchedAt})`,
        `  calls:    ${d.callIds.map(plain).join(', ') || '?'}`,
        `  bookings: ${d.bookingIds.join(', ')}`,
        `  touches:  ${d.kinds.join(', ')}`,
        `  reasons:  ${d.reasons.join(', ') || '(none recorded)'}`,
        `  replay:   booking-ledger timeline --booking-uid ${plain(d.calcomUid)}`,
      ].join('\n'),
    )
    .join('\n\n') + '\n';

export const renderDuplicatesMarkdown = (duplicates: DuplicateUid[]): string =>
  [
    '## Cal.com uids claimed or returned for more than one booking',
    '',
    '| Cal.com uid | bookings | calls | touches | reasons | first touched | last touched |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...duplicates.map(
      (d) =>
        `| ${code(d.calcomUid)} | ${d.bookingIds.map(code).join('<br>')} | ${d.callIds.map(code).join('<br>')} | ${md(d.kinds.join(', '))} | ${md(d.reasons.join(', '))} | ${d.firstTouchedAt} | ${d.lastTouchedAt} |`,
    ),
    '',
  ].join('\n');

const renderers: Record<DuplicatesFormat, (duplicates: DuplicateUid[]) => string> = {
  text: renderDuplicatesText,
  json: (duplicates) => `${JSON.stringify({ duplicates }, null, 2)}\n`,
  md: renderDuplicatesMarkdown,
};

/** Prints every uid more than one booking touched (from the read model); returns 0 when there are any, 3 when none. */
export const runDuplicates = async (readModel: SqlExecutor, format: DuplicatesFormat, io: { out(text: string): void; err(text: string): void }): Promise<number> =>
  printDuplicates(await listDuplicates(readModel), format, io);

const printDuplicates = (duplicates: DuplicateUid[], format: DuplicatesFormat, io: { out(text: string): void; err(text: string): void }): number => {
  if (duplicates.length === 0) {
    io.err('No Cal.com uid was claimed or returned for more than one booking.\n');
    if (format === 'json') io.out(renderers.json(duplicates));
    return EXIT_NOTHING_FOUND;
  }
  io.out(renderers[format](duplicates));
  return 0;
};

const HELP = `
Lists every Cal.com uid that was claimed by, returned to, or confirmed for more than one booking (the
incident's signature), with the calls, the bookings and the DuplicateDetected reasons. The read model is
brought up to date from the event history first.

Exit codes:
  0  duplicates found and printed
  1  failure
  2  usage error
  3  nothing found: no uid touched by more than one booking
  78 invalid configuration

Examples:
  $ booking-ledger duplicates
  $ booking-ledger duplicates --format json | jq -r '.duplicates[].calcomUid'
  $ booking-ledger duplicates >/dev/null; [ $? -eq 0 ] && echo "duplicates to look at"
`;

export const duplicatesCommand = () =>
  new Command('duplicates')
    .exitOverride()
    .description('List Cal.com uids claimed or returned for more than one booking, with reasons and calls')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'md']).default('text'))
    .addOption(remoteOptions()[0]!)
    .addOption(remoteOptions()[1]!)
    .addHelpText('after', HELP)
    .action(async (options: { format: DuplicatesFormat } & RemoteOptions) => {
      const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
      if (options.url) {
        const { duplicates } = await askService<{ duplicates: DuplicateUid[] }>({ ...options, url: options.url }, 'duplicates');
        process.exitCode = printDuplicates(duplicates, options.format, io);
        return;
      }
      process.exitCode = await withStores(async ({ stores }) => {
        await runProjectionToEnd({ ...appointmentsProjectionDefinition, eventStore: stores.eventStore, db: stores.readModel });
        return runDuplicates(stores.readModel, options.format, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
      });
    });
