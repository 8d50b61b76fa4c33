import { Command } from 'commander';
import { runProjectionToEnd, appointmentsProjectionDefinition } from '../../projections';
import type { ReconcileReport } from '../../application/useCases/reconcileBookings';
import { withStores } from './cliContext';
import { askService, remoteOptions, type RemoteOptions } from './serviceClient';

export const reconcileCommand = () =>
  new Command('reconcile')
    .description('Look up bookings still awaiting their webhook after RECONCILE_AFTER_MS and mark them unconfirmed')
    .option('--json', 'print the report as JSON')
    .addOption(remoteOptions()[0]!)
    .addOption(remoteOptions()[1]!)
    .action(async (options: { json?: boolean } & RemoteOptions) => {
      const print = (report: ReconcileReport): void =>
        void process.stdout.write(
          options.json ? `${JSON.stringify(report)}\n` : `checked ${report.checked} booking(s); marked unconfirmed: ${report.markedUnconfirmed.join(', ') || 'none'}\n`,
        );
      if (options.url) {
        print(await askService<ReconcileReport>({ ...options, url: options.url }, 'admin/reconcile', { method: 'POST' }));
        return;
      }
      await withStores(async ({ config, stores, logger }) => {
        // The use cases' dependencies (Cal.com client, metrics) only when this process reconciles itself.
        const [{ composeDeps }, { createReconciler }, { createTelemetry }, { createMetrics }] = await Promise.all([
          import('../useCaseDeps'),
          import('../reconciler'),
          import('../telemetry/telemetry'),
          import('../telemetry/metrics'),
        ]);
        await runProjectionToEnd({ ...appointmentsProjectionDefinition, eventStore: stores.eventStore, db: stores.readModel });
        const metrics = createMetrics();
        const { deps } = await composeDeps(config, { store: stores.eventStore, telemetry: createTelemetry(logger, metrics) }, stores.readModel, metrics);
        print(await createReconciler({ deps, readModel: stores.readModel, windowMs: config.RECONCILE_AFTER_MS, logger }).runOnce());
      });
    });
