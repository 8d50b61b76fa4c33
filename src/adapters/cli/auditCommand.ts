import { Command, Option } from 'commander';
import { loadAudit } from '../../application/audit/loadAudit';
import { renderAuditJson, renderAuditMarkdown, renderAuditText, type AuditReport } from '../../application/audit/renderAudit';
import { INSTANT_HINT, parseInstant } from '../../application/timeline/instant';
import { withStores } from './cliContext';
import { EXIT_NOTHING_FOUND } from './exitCodes';
import { UsageError } from './rebuildCommand';
import { askService, remoteOptions, type RemoteOptions } from './serviceClient';

const renderers = { text: renderAuditText, json: renderAuditJson, md: renderAuditMarkdown } as const;

const instant = (name: string, value: string | undefined): Date | undefined => {
  if (value === undefined) return undefined;
  const parsed = parseInstant(value);
  if (!parsed) throw new UsageError(`${name} "${value}" is not ${INSTANT_HINT}`);
  return parsed;
};

/** `booking-ledger audit [--from ISO --to ISO] [--format text|json|md]`: what callers were told vs. what Cal.com holds. */
export const auditCommand = () =>
  new Command('audit')
    .exitOverride()
    .description('The truth audit: for each call, what the caller was told against what Cal.com holds (default: the last 24 hours)')
    .option('--from <iso>', 'start of the window (by recorded time)')
    .option('--to <iso>', 'end of the window (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'md']).default('text'))
    .addOption(remoteOptions()[0]!)
    .addOption(remoteOptions()[1]!)
    .addHelpText('after', '\nExit codes: 0 audited (findings or none), 1 failure, 2 usage error, 3 no call in the window, 78 invalid configuration.\n')
    .action(async (options: { from?: string; to?: string; format: keyof typeof renderers } & RemoteOptions) => {
      const toArg = instant('--to', options.to);
      const fromArg = instant('--from', options.from);
      const to = toArg ?? new Date();
      const from = fromArg ?? new Date(to.getTime() - 24 * 3_600_000);
      if (from > to) throw new UsageError('--from must not be after --to');
      let report: AuditReport;
      if (options.url) {
        report = await askService<AuditReport>({ ...options, url: options.url }, `audit?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
      } else {
        report = await withStores(async ({ config, stores }) => ({
          from: from.toISOString(),
          to: to.toISOString(),
          ...(await loadAudit(stores.history, { from, to, now: new Date(), settleMs: config.RECONCILE_AFTER_MS })),
        }));
      }
      process.stdout.write(renderers[options.format](report));
      process.exitCode = report.calls === 0 ? EXIT_NOTHING_FOUND : 0;
    });
