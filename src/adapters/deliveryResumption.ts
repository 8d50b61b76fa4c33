import type { Logger } from 'pino';
import type { UseCaseDeps } from '../application/useCases/deps';
import { resumeDelivery, type DeliveryResumeOutcome } from '../application/useCases/resumeDelivery';
import { isStoreOutage } from './storeOutage';

export type DeliveryCounts = Record<DeliveryResumeOutcome | 'failed', number>;

/** Failed attempts at one delivery (each a real try) after which it is abandoned (a named end) instead of tried forever. */
export const DELIVERY_ATTEMPTS = 5;

/**
 * Settles recorded deliveries nothing settled, one after another; one that fails is tried again next
 * round (so one poisonous delivery never holds back the others). Failures that say the store could not
 * be reached (isStoreOutage) are not counted: a delivery an outage interrupted waits for the store. Counted in
 * memory, per process (a restart, or the lease moving to another instance, starts the count again): the
 * attempt that fails the DELIVERY_ATTEMPTS-th time abandons it, with its error.
 */
export const createDeliveryResumption = (deps: UseCaseDeps, logger: Logger) => {
  const failures = new Map<string, number>();
  const settleOne = async (deliveryId: string): Promise<DeliveryResumeOutcome | 'failed'> => {
    try {
      const outcome = await resumeDelivery(deps, deliveryId);
      failures.delete(deliveryId);
      return outcome;
    } catch (error) {
      const lastError = (error as Error).message;
      const attempts = (failures.get(deliveryId) ?? 0) + (isStoreOutage(error) ? 0 : 1);
      logger.warn({ deliveryId, attempts, err: { message: lastError } }, 'Settling a recorded Cal.com delivery failed; will retry');
      failures.set(deliveryId, attempts);
      if (attempts < DELIVERY_ATTEMPTS) return 'failed';
      const outcome = await resumeDelivery(deps, deliveryId, { attempts, lastError });
      failures.delete(deliveryId);
      return outcome;
    }
  };
  return {
    settle: async (deliveryIds: string[]): Promise<DeliveryCounts> => {
      // Deliveries no longer listed were settled elsewhere: their counts go.
      for (const id of failures.keys()) if (!deliveryIds.includes(id)) failures.delete(id);
      const counts: DeliveryCounts = { already_settled: 0, settled: 0, orphaned: 0, abandoned: 0, failed: 0 };
      for (const id of deliveryIds) counts[await settleOne(id).catch(() => 'failed' as const)] += 1;
      return counts;
    },
  };
};
