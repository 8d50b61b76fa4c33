import { Command } from 'commander';
import { runProjectionToEnd, appointmentsProjectionDefinition } from '../../projections';
import { calcomClientFor, useCaseDepsFor } from '../useCaseDeps';
import { createReconciler } from '../reconciler';
import { createTelemetry } from '../telemetry/telemetry';
import { createMetrics } from '../telemetry/metrics';
import { withStores } from './cliContext';

export const reconcileCommand = () =>
  new Command('reconcile')
    .description('Look up bookings still awaiting their webhook after RECONCILE_AFTER_MS and mark them unconfirmed')
    .option('--json', 'print the report as JSON')
    .action(async (options: { json?: boolean }) => {
      await withStores(async ({ config, stores, logger }) => {
        await runProjectionToEnd({ ...appointmentsProjectionDefinition, eventStore: stores.eventStore, db: stores.readModel });
        const metrics = createMetrics();
        const deps = useCaseDepsFor(config, { store: stores.eventStore, calcom: calcomClientFor(config, metrics), telemetry: createTelemetry(logger, metrics) });
        const report = await createReconciler({ deps, readModel: stores.readModel, windowMs: config.RECONCILE_AFTER_MS, logger }).runOnce();
        process.stdout.write(
          options.json ? `${JSON.stringify(report)}\n` : `checked ${report.checked} booking(s); marked unconfirmed: ${report.markedUnconfirmed.join(', ') || 'none'}\n`,
        );
      });
    });
