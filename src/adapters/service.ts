import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CalcomClient } from '../application/ports/calcom';
import type { UseCaseHooks } from '../application/useCases/deps';
import type { ParkedEvent } from '../application/ports/parkedEvents';
import { findAppointments, findUpcomingForCaller, projectionDefinitions, rebuildProjection, runProjectionToEnd, startProjection, type RunningProjection } from '../projections';
import { developmentGaps, type Config } from './config/config';
import { openStores, type OpenedStores } from './eventStore/openEventStore';
import { createApp } from './http/app';
import type { HttpContext, ServiceOperations } from './http/httpContext';
import { readinessChecks } from './http/readiness';
import { checkEventType } from './checkEventType';
import { createReconciler, type Reconciler } from './reconciler';
import { createResumer, type Resumer } from './resumer';
import { startTruthAuditor } from './truthAuditor';
import { createSqlLeases } from './sql/sqlLeases';
import { createSqlUsedSignatures } from './sql/sqlUsedSignatures';
import { createSqlAdminSessions } from './sql/sqlAdminSessions';
import { createLogger } from './telemetry/logger';
import { createMetrics } from './telemetry/metrics';
import { startProjectionLagMonitor } from './telemetry/projectionLag';
import { createTelemetry } from './telemetry/telemetry';
import { composeDeps } from './useCaseDeps';
import { createPracticeDirectory } from './http/practiceDirectory';
import { DEFAULT_PRACTICE_ID } from '../application/practice';

export interface ServiceOptions {
  config: Config;
  logger?: Logger;
  /** Already opened stores (tests); otherwise opened from the configured URLs. */
  stores?: OpenedStores;
  calcom?: CalcomClient;
  now?: () => Date;
  /** How often the projection lag gauge is measured (default 1000 ms). */
  projectionLagIntervalMs?: number;
  /** How long `stop()` waits for requests in flight before closing their connections (default 25 s). */
  shutdownGraceMs?: number;
}

export interface RunningService {
  url: string;
  server: Server;
  ctx: HttpContext;
  stores: OpenedStores;
  projections: RunningProjection[];
  reconciler: Reconciler;
  resumer: Resumer;
  stop(): Promise<void>;
}

/** NODE_ENV=test only (the configuration refuses it otherwise): die at a point, as a crash would. */
const testCrashHooks = (config: Config): UseCaseHooks | undefined => {
  const die = () => process.kill(process.pid, 'SIGKILL');
  if (config.TEST_CRASH_POINT === 'after_booking_requested') return { afterBookingRequested: die };
  if (config.TEST_CRASH_POINT === 'after_delivery_recorded') return { afterDeliveryRecorded: die };
  return undefined;
};

/** The composition root: stores, Cal.com client, telemetry, use cases, projections, HTTP server. */
export const startService = async (options: ServiceOptions): Promise<RunningService> => {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  if (config.NODE_ENV !== 'production') for (const gap of developmentGaps(config)) logger.warn(gap);
  const metrics = createMetrics();
  const telemetry = createTelemetry(logger, metrics);
  const stores = options.stores ?? (await openStores(config.EVENT_STORE_URL, config.READ_MODEL_URL, { poolSize: config.PG_POOL_SIZE }));
  for (const definition of projectionDefinitions) await stores.readModel.exec(definition.schema);

  const adapters = {
    store: stores.eventStore,
    telemetry,
    telemetryFor: (practiceId: string) => createTelemetry(logger.child({ practice: practiceId }), metrics, practiceId),
    now: options.now,
    lookup: {
      bookingsForCall: async (callId: string) =>
        (await findAppointments(stores.readModel, { callId })).map(({ bookingId, slotStart }) => ({ bookingId, slotStart: slotStart ?? undefined })),
      bookingsForCaller: (query: { practiceId: string; callerNumber: string; after: Date }) => findUpcomingForCaller(stores.readModel, query),
    },
    hooks: testCrashHooks(config),
  };
  const { depsOf, deps } = await composeDeps(config, adapters, stores.readModel, metrics, options.calcom);
  for (const practice of config.practices) await checkEventType(depsOf.get(practice.id)!.calcom, config, practice, logger);
  const practices = createPracticeDirectory(config.practices, depsOf, DEFAULT_PRACTICE_ID);
  const leases = await createSqlLeases(stores.readModel);
  const usedSignatures = await createSqlUsedSignatures(stores.readModel);
  const adminSessions = await createSqlAdminSessions(stores.readModel);
  const operations: ServiceOperations = {
    reconcileNow: () => reconciler.runOnce(),
    rebuild: async (name) => {
      const results = [];
      for (const definition of projectionDefinitions.filter((d) => name === undefined || d.name === name)) {
        const parked: ParkedEvent[] = [];
        const events = await rebuildProjection({ ...definition, eventStore: stores.eventStore, db: stores.readModel, truncate: definition.tables, onParked: (p) => parked.push(p) });
        results.push({ projection: definition.name, events, parked });
      }
      return results;
    },
  };
  const ctx: HttpContext = { config, deps, practices, readModel: stores.readModel, history: stores.history, logger, metrics, readiness: [], usedSignatures, adminSessions, operations };
  const forgetSignatures = setInterval(() => {
    usedSignatures.forgetExpired(new Date()).catch((error: unknown) => logger.debug({ err: { message: (error as Error).message } }, 'Expired signatures not pruned'));
    adminSessions.forgetExpired(new Date()).catch((error: unknown) => logger.debug({ err: { message: (error as Error).message } }, 'Expired console sessions not pruned'));
  }, 60_000);
  forgetSignatures.unref();
  const lagMonitor = startProjectionLagMonitor({
    readModel: stores.readModel,
    eventStore: stores.eventStore,
    projections: projectionDefinitions.map((d) => d.name),
    metrics,
    intervalMs: options.projectionLagIntervalMs ?? 1000,
    logger,
  });
  ctx.readiness.push(...readinessChecks(ctx, stores, lagMonitor));

  const projections = projectionDefinitions.map((definition) =>
    startProjection({
      ...definition,
      eventStore: stores.eventStore,
      db: stores.readModel,
      onError: (error) => logger.error({ projection: definition.name, err: { message: (error as Error).message } }, 'Projection batch failed; retrying'),
      onBatch: (batch) => {
        for (const parked of batch.parked) {
          metrics.projectionParked.inc({ projection: parked.projection });
          logger.error(
            { alert: 'projection_event_parked', projection: parked.projection, eventId: parked.eventId, eventType: parked.type, streamId: parked.streamId, position: parked.position, error: parked.error },
            'Projection could not apply an event: parked it and went on',
          );
        }
      },
    }),
  );

  const reconciler = createReconciler({ deps, readModel: stores.readModel, leases, windowMs: config.RECONCILE_AFTER_MS, intervalMs: config.RECONCILE_INTERVAL_MS, logger });
  const resumer = createResumer({ deps, readModel: stores.readModel, leases, intervalMs: config.RESUME_INTERVAL_MS, logger });
  const auditor = startTruthAuditor({ deps, history: stores.history, leases, intervalMs: config.AUDIT_INTERVAL_MS, lookbackMs: config.AUDIT_LOOKBACK_MS, settleMs: config.RECONCILE_AFTER_MS, logger });
  const app = createApp(ctx);
  // Slow clients cannot hold a socket: headers and the whole request must arrive in time (checked every second).
  // Idle keep-alive connections outlive a load balancer's idle timeout (HTTP_KEEP_ALIVE_TIMEOUT_MS).
  const server = createServer(
    {
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(config.PORT, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Requests in flight, so that stop() can answer them with `Connection: close` (no keep-alive after shutdown began).
  const inFlight = new Set<ServerResponse>();
  let stopping: Promise<void> | undefined;
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
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
    resumer,
    /**
     * Graceful: refuse new connections, let requests in flight finish (closing their connections after
     * the answer; after `shutdownGraceMs` they are cut), stop the reconciler, stop the projections
     * and catch them up to the head once more (so their checkpoints equal the head), then close the
     * stores we opened. Idempotent.
     */
    stop: () =>
      (stopping ??= (async () => {
        logger.info({ inFlight: inFlight.size }, 'Stopping: refusing new connections, finishing requests in flight');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.closeIdleConnections();
        const grace = setTimeout(() => {
          logger.warn({ inFlight: inFlight.size }, 'Requests still in flight after the grace period; closing their connections');
          server.closeAllConnections();
        }, options.shutdownGraceMs ?? 25_000);
        grace.unref();
        await closed;
        clearTimeout(grace);
        clearInterval(forgetSignatures);
        await reconciler.stop();
        await resumer.stop();
        await auditor.stop();
        await lagMonitor.stop();
        await Promise.all(projections.map((p) => p.stop()));
        for (const definition of projectionDefinitions) {
          await runProjectionToEnd({ ...definition, eventStore: stores.eventStore, db: stores.readModel }).catch((error: unknown) =>
            logger.warn({ projection: definition.name, err: { message: (error as Error).message } }, 'Projection not caught up at shutdown; it resumes from its checkpoint'),
          );
        }
        if (!options.stores) await stores.close();
        logger.info('Stopped');
      })()),
  };
};
