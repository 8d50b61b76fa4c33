import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Leases } from '../application/ports/lease';
import { reconcileBookings, type ReconcileReport } from '../application/useCases/reconcileBookings';
import type { UseCaseDeps } from '../application/useCases/deps';
import { findBookingsAwaitingProof } from '../projections';
import type { SqlDatabase } from './sql/sqlDatabase';
import { leaseTtlMs } from './leaseTtl';

export interface Reconciler {
  runOnce(): Promise<ReconcileReport>;
  stop(): Promise<void>;
}

/**
 * Runs the reconciliation every `intervalMs`: never two runs at once in this process, and with `leases`
 * one instance at a time (a run another instance holds reports nothing checked). `runOnce` for the CLI and tests.
 */
export const createReconciler = (options: { deps: UseCaseDeps; readModel: SqlDatabase; leases?: Leases; windowMs: number; intervalMs?: number; logger: Logger }): Reconciler => {
  const { deps, readModel, windowMs, logger, leases } = options;
  const holder = `reconciler-${randomUUID()}`;
  let running: Promise<ReconcileReport> | undefined;
  const runOnce = () => {
    running ??= (async () => {
      if (leases && !(await leases.tryAcquire('reconciler', holder, leaseTtlMs(options.intervalMs)))) return { checked: 0, markedUnconfirmed: [] };
      const olderThan = new Date(deps.now().getTime() - windowMs);
      return reconcileBookings(deps, await findBookingsAwaitingProof(readModel, olderThan), windowMs);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = options.intervalMs
    ? setInterval(() => {
        runOnce().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'Reconciliation run failed; will retry'));
      }, options.intervalMs)
    : undefined;
  timer?.unref();
  return {
    runOnce,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await leases?.release('reconciler', holder).catch(() => undefined);
    },
  };
};
