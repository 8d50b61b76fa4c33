import type { Logger } from 'pino';
import type { UseCaseDeps } from '../application/useCases/deps';
import { resumeDelivery, type DeliveryResumeOutcome } from '../application/useCases/resumeDelivery';

export type DeliveryCounts = Record<DeliveryResumeOutcome | 'failed', number>;

/** Failed attempts at one delivery after which it is abandoned (a named end) instead of tried forever. */
export const DELIVERY_ATTEMPTS = 5;

/**
 * Settles recorded deliveries nothing settled, one after another; one that fails is counted and tried
 * again next round (so one poisonous delivery never holds back the others), and abandoned after
 * DELIVERY_ATTEMPTS failures in this process. The count lives in memory: a restart starts it again.
 */
export const createDeliveryResumption = (deps: UseCaseDeps, logger: Logger) => {
  const failures = new Map<string, { attempts: number; lastError: string }>();
  const settleOne = async (deliveryId: string): Promise<DeliveryResumeOutcome | 'failed'> => {
    const failed = failures.get(deliveryId);
    try {
      const outcome = await resumeDelivery(deps, deliveryId, failed && failed.attempts >= DELIVERY_ATTEMPTS ? failed : undefined);
      failures.delete(deliveryId);
      return outcome;
    } catch (error) {
      const lastError = (error as Error).message;
      failures.set(deliveryId, { attempts: (failed?.attempts ?? 0) + 1, lastError });
      logger.warn({ deliveryId, attempts: (failed?.attempts ?? 0) + 1, err: { message: lastError } }, 'Settling a recorded Cal.com delivery failed; will retry');
      return 'failed';
    }
  };
  return {
    settle: async (deliveryIds: string[]): Promise<DeliveryCounts> => {
      const counts: DeliveryCounts = { already_settled: 0, settled: 0, orphaned: 0, abandoned: 0, failed: 0 };
      for (const id of deliveryIds) counts[await settleOne(id)] += 1;
      return counts;
    },
  };
};
