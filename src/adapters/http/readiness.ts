import { countParked, projectionDefinitions } from '../../projections';
import type { OpenedStores } from '../eventStore/openEventStore';
import type { ProjectionLagMonitor } from '../telemetry/projectionLag';
import { describeHoldBack, oldestWriteTransaction } from '../eventStore/postgres/oldestWriteTransaction';
import type { SqlDatabase } from '../sql/sqlDatabase';
import type { HttpContext, ReadinessCheck } from './httpContext';

/**
 * PostgreSQL's global order waits for the oldest open write transaction on the whole server: one open
 * longer than PROJECTION_LAG_LIMIT_MS holds every projection back while the lag, measured on the events
 * it lets readers see, looks fine. Sets the gauge; undefined on PGlite/EventStoreDB.
 */
const holdBack = async (ctx: HttpContext, db: SqlDatabase | undefined): Promise<string | undefined> => {
  if (db?.kind !== 'postgres') return undefined;
  const oldest = await oldestWriteTransaction(db);
  ctx.metrics.oldestWriteTransaction.set((oldest?.openMs ?? 0) / 1000);
  return oldest && oldest.openMs > ctx.config.PROJECTION_LAG_LIMIT_MS ? `${describeHoldBack(oldest)}: events committed after it are not read until it ends (see the runbook)` : undefined;
};

/**
 * Ready = the event store and read model answer, and no projection's lag (the age of the oldest
 * event it has not applied, measured now; it also updates the lag gauge) exceeds PROJECTION_LAG_LIMIT_MS,
 * and no open transaction on the event store's PostgreSQL holds the global order back longer than that.
 */
export const readinessChecks = (ctx: HttpContext, stores: OpenedStores, lag: ProjectionLagMonitor): ReadinessCheck[] => [
  { name: 'event_store', check: async () => (await stores.eventStore.headPosition(), { ok: true }) },
  { name: 'read_model', check: async () => (await stores.readModel.query('SELECT 1'), { ok: true }) },
  ...projectionDefinitions.map((definition) => ({
    name: `projection:${definition.name}`,
    check: async () => {
      const [{ lagMs }, parked, heldBack] = await Promise.all([lag.measureOne(definition.name), countParked(stores.readModel, definition.name), holdBack(ctx, stores.eventsDb)]);
      const limitMs = ctx.config.PROJECTION_LAG_LIMIT_MS;
      const ok = lagMs <= limitMs && heldBack === undefined;
      const details = [
        lagMs <= limitMs ? undefined : `oldest unapplied event is ${(lagMs / 1000).toFixed(1)} s old (limit ${limitMs / 1000} s)`,
        heldBack,
        parked > 0 ? `${parked} event(s) parked (not applied; see bl_parked_events and the runbook)` : undefined,
      ].filter(Boolean);
      return { ok, parked, ...(details.length > 0 && { detail: details.join('; ') }) };
    },
  })),
];
