import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { loadAudit } from '../application/audit/loadAudit';
import type { EventHistory } from '../application/ports/eventHistory';
import type { Leases } from '../application/ports/lease';
import type { UseCaseDeps } from '../application/useCases/deps';
import { recordAuditFindings } from '../application/useCases/recordAuditFindings';
import { leaseTtlMs } from './leaseTtl';

export interface TruthAuditor {
  stop(): Promise<void>;
}

/**
 * Runs the truth audit over the last `lookbackMs` every `intervalMs` (one instance at a time) and records
 * each new finding once: counted, alerted.
 */
export const startTruthAuditor = (options: {
  deps: UseCaseDeps;
  history: EventHistory;
  leases: Leases;
  intervalMs: number;
  lookbackMs: number;
  settleMs: number;
  logger: Logger;
}): TruthAuditor => {
  const holder = `truth-audit-${randomUUID()}`;
  let running: Promise<void> | undefined;
  const round = async () => {
    if (!(await options.leases.tryAcquire('truth-audit', holder, leaseTtlMs(options.intervalMs)))) return;
    const now = options.deps.now();
    const { findings } = await loadAudit(options.history, { from: new Date(now.getTime() - options.lookbackMs), to: now, now, settleMs: options.settleMs });
    await recordAuditFindings(options.deps, findings);
  };
  const timer = setInterval(() => {
    running ??= round()
      .catch((error: unknown) => options.logger.error({ err: { message: (error as Error).message } }, 'Truth audit failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await options.leases.release('truth-audit', holder).catch(() => undefined);
    },
  };
};
