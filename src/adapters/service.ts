import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CalcomClient } from '../application/ports/calcom';
import { findAppointments, projectionDefinitions, startProjection, type RunningProjection } from '../projections';
import { developmentGaps, type Config } from './config/config';
import { openStores, type OpenedStores } from './eventStore/openEventStore';
import { createApp } from './http/app';
import type { HttpContext } from './http/httpContext';
import { readinessChecks } from './http/readiness';
import { createReconciler, type Reconciler } from './reconciler';
import { createLogger } from './telemetry/logger';
import { createMetrics } from './telemetry/metrics';
import { createTelemetry } from './telemetry/telemetry';
import { calcomClientFor, useCaseDepsFor } from './useCaseDeps';

export interface ServiceOptions {
  config: Config;
  logger?: Logger;
  /** Already opened stores (tests); otherwise opened from the configured URLs. */
  stores?: OpenedStores;
  calcom?: CalcomClient;
  now?: () => Date;
}

export interface RunningService {
  url: string;
  server: Server;
  ctx: HttpContext;
  stores: OpenedStores;
  projections: RunningProjection[];
  reconciler: Reconciler;
  stop(): Promise<void>;
}

/** The composition root: stores, Cal.com client, telemetry, use cases, projections, HTTP server. */
export const startService = async (options: ServiceOptions): Promise<RunningService> => {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  if (config.NODE_ENV !== 'production') for (const gap of developmentGaps(config)) logger.warn(gap);
  const metrics = createMetrics();
  const telemetry = createTelemetry(logger, metrics);
  const stores = options.stores ?? (await openStores(config.EVENT_STORE_URL, config.READ_MODEL_URL));
  for (const definition of projectionDefinitions) await stores.readModel.exec(definition.schema);

  const calcom = options.calcom ?? calcomClientFor(config, metrics);
  const deps = useCaseDepsFor(config, {
    store: stores.eventStore,
    calcom,
    telemetry,
    now: options.now,
    lookup: {
      bookingsForCall: async (callId) =>
        (await findAppointments(stores.readModel, { callId })).map(({ bookingId, slotStart }) => ({ bookingId, slotStart: slotStart ?? undefined })),
    },
  });
  const ctx: HttpContext = { config, deps, readModel: stores.readModel, logger, metrics, readiness: [] };
  ctx.readiness.push(...readinessChecks(ctx, stores));

  const projections = projectionDefinitions.map((definition) =>
    startProjection({
      ...definition,
      eventStore: stores.eventStore,
      db: stores.readModel,
      onError: (error) => logger.error({ projection: definition.name, err: { message: (error as Error).message } }, 'Projection batch failed; retrying'),
    }),
  );

  const reconciler = createReconciler({ deps, readModel: stores.readModel, windowMs: config.RECONCILE_AFTER_MS, intervalMs: config.RECONCILE_INTERVAL_MS, logger });
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.PORT, () => resolve(listening)).once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  logger.info({ url, eventStore: stores.eventStore.name }, 'booking-ledger listening');

  return {
    url,
    server,
    ctx,
    stores,
    projections,
    reconciler,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await reconciler.stop();
      await Promise.all(projections.map((p) => p.stop()));
      if (!options.stores) await stores.close();
    },
  };
};
