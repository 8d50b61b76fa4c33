import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Leases } from '../application/ports/lease';
import type { SqlDatabase } from '../application/ports/sql';
import type { UseCaseDeps } from '../application/useCases/deps';
import { resumeBooking, type ResumeOutcome } from '../application/useCases/resumeBooking';
import { findStuckBookings, findUnsettledDeliveries } from '../projections';
import { createDeliveryResumption, type DeliveryCounts } from './deliveryResumption';
import { leaseTtlMs } from './leaseTtl';

export type ResumerCounts = Record<ResumeOutcome | 'failed', number> & { deliveries: DeliveryCounts };

export interface Resumer {
  runOnce(): Promise<ResumerCounts | undefined>;
  stop(): Promise<void>;
}

/**
 * Takes up bookings that have no Cal.com answer recorded after RESUME_AFTER_MS, and Cal.com deliveries
 * recorded that long ago and never settled: at start and every `intervalMs`, one instance at a time (a
 * lease), one run at a time in this process. `runOnce` answers undefined when another instance holds the lease.
 */
export const createResumer = (options: { deps: UseCaseDeps; readModel: SqlDatabase; leases: Leases; intervalMs?: number; logger: Logger }): Resumer => {
  const { deps, readModel, leases, logger } = options;
  const holder = `resumer-${randomUUID()}`;
  const deliveries = createDeliveryResumption(deps, logger);
  let running: Promise<ResumerCounts | undefined> | undefined;
  const round = async (): Promise<ResumerCounts | undefined> => {
    // A short lease, renewed every round: a holder that died stops blocking the others within seconds.
    if (!(await leases.tryAcquire('resumer', holder, leaseTtlMs(options.intervalMs)))) return undefined;
    const counts: Record<ResumeOutcome | 'failed', number> = { not_stuck: 0, found_at_calcom: 0, posted: 0, calcom_unreachable: 0, failed: 0 };
    const olderThan = new Date(deps.now().getTime() - deps.settings.resumeAfterMs);
    // One booking that fails is logged and tried next round; it holds back neither the others nor the deliveries.
    for (const bookingId of await findStuckBookings(readModel, olderThan)) {
      try {
        counts[await resumeBooking(deps, bookingId, 'resumer')] += 1;
      } catch (error) {
        counts.failed += 1;
        logger.warn({ bookingId, err: { message: (error as Error).message } }, 'Resuming a booking failed; will retry');
      }
    }
    return { ...counts, deliveries: await deliveries.settle(await findUnsettledDeliveries(readModel, olderThan)) };
  };
  const runOnce = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => void runOnce().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'Resumer run failed; will retry'));
  const first = setTimeout(tick, 0);
  const timer = options.intervalMs ? setInterval(tick, options.intervalMs) : undefined;
  first.unref();
  timer?.unref();
  return {
    runOnce,
    stop: async () => {
      clearTimeout(first);
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      await leases.release('resumer', holder).catch(() => undefined);
    },
  };
};
