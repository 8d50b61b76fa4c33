import { countParked, projectionDefinitions } from '../../projections';
import type { OpenedStores } from '../eventStore/openEventStore';
import type { ProjectionLagMonitor } from '../telemetry/projectionLag';
import type { HttpContext, ReadinessCheck } from './httpContext';

/**
 * Ready = the event store and read model answer, and no projection's lag (the age of the oldest
 * event it has not applied, measured now; it also updates the lag gauge) exceeds PROJECTION_LAG_LIMIT_MS.
 */
export const readinessChecks = (ctx: HttpContext, stores: OpenedStores, lag: ProjectionLagMonitor): ReadinessCheck[] => [
  { name: 'event_store', check: async () => (await stores.eventStore.headPosition(), { ok: true }) },
  { name: 'read_model', check: async () => (await stores.readModel.query('SELECT 1'), { ok: true }) },
  ...projectionDefinitions.map((definition) => ({
    name: `projection:${definition.name}`,
    check: async () => {
      const [{ lagMs }, parked] = await Promise.all([lag.measureOne(definition.name), countParked(stores.readModel, definition.name)]);
      const limitMs = ctx.config.PROJECTION_LAG_LIMIT_MS;
      const ok = lagMs <= limitMs;
      const details = [
        ok ? undefined : `oldest unapplied event is ${(lagMs / 1000).toFixed(1)} s old (limit ${limitMs / 1000} s)`,
        parked > 0 ? `${parked} event(s) parked (not applied; see bl_parked_events and the runbook)` : undefined,
      ].filter(Boolean);
      return { ok, parked, ...(details.length > 0 && { detail: details.join('; ') }) };
    },
  })),
];
