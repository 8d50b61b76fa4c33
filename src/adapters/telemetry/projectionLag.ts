import type { Logger } from 'pino';
import type { EventStore } from '../../application/ports/eventStore';
import { readCheckpoint } from '../../projections';
import type { SqlDatabase } from '../sql/sqlDatabase';
import type { Metrics } from './metrics';

export interface ProjectionLagSample {
  projection: string;
  /** Age of the oldest event the projection has not applied (store's recorded time); 0 when caught up. */
  lagMs: number;
  checkpoint: string | undefined;
  /** Global position of that oldest unapplied event. */
  next: string | undefined;
}

const noTableYet = (error: unknown): undefined => {
  if ((error as { code?: string }).code === '42P01') return undefined; // undefined_table: the projection never ran
  throw error;
};

/**
 * How far a projection trails the event store, in time: the checkpoint (primary-key lookup) and the
 * first event after it (`readAll` with maxCount 1: one index range scan on the global order).
 */
export const measureProjectionLag = async (
  readModel: SqlDatabase,
  eventStore: EventStore,
  projection: string,
  nowMs: number = Date.now(),
): Promise<ProjectionLagSample> => {
  const checkpoint = await readCheckpoint(readModel, projection).catch(noTableYet);
  const [next] = await eventStore.readAll({ after: checkpoint, maxCount: 1 });
  return { projection, checkpoint, next: next?.position, lagMs: next ? Math.max(0, nowMs - next.recordedAt.getTime()) : 0 };
};

export interface ProjectionLagMonitor {
  /** Measures every projection now and updates the gauge. */
  measure(): Promise<ProjectionLagSample[]>;
  /** Measures one projection now and updates its gauge. */
  measureOne(projection: string): Promise<ProjectionLagSample>;
  /** Stops the timer and waits for a measurement in progress. */
  stop(): Promise<void>;
}

/**
 * Keeps `booking_ledger_projection_lag_seconds` current: measures every `intervalMs` on an unref'd
 * timer (never two rounds at once). A failed measurement is logged at debug level (readiness
 * reports the failure) and leaves the gauge as it was.
 */
export const startProjectionLagMonitor = (options: {
  readModel: SqlDatabase;
  eventStore: EventStore;
  projections: readonly string[];
  metrics: Metrics;
  intervalMs: number;
  logger: Logger;
}): ProjectionLagMonitor => {
  const { readModel, eventStore, metrics, logger } = options;
  const measureOne = async (projection: string) => {
    const sample = await measureProjectionLag(readModel, eventStore, projection);
    metrics.projectionLag.set({ projection }, sample.lagMs / 1000);
    return sample;
  };
  let running: Promise<ProjectionLagSample[]> | undefined;
  const measure = () => {
    running ??= Promise.all(options.projections.map(measureOne)).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    measure().catch((error: unknown) => logger.debug({ err: { message: (error as Error).message } }, 'Projection lag not measured'));
  }, options.intervalMs);
  timer.unref();
  return {
    measure,
    measureOne,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
};
