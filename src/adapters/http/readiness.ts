import { projectionDefinitions, projectionLag } from '../../projections';
import type { OpenedStores } from '../eventStore/openEventStore';
import type { HttpContext, ReadinessCheck } from './httpContext';

/** Ready = the event store and read model answer, and no projection is further behind than the bound. */
export const readinessChecks = (ctx: HttpContext, stores: OpenedStores): ReadinessCheck[] => {
  const behindSince = new Map<string, number>();
  return [
    { name: 'event_store', check: async () => (await stores.eventStore.headPosition(), { ok: true }) },
    { name: 'read_model', check: async () => (await stores.readModel.query('SELECT 1'), { ok: true }) },
    ...projectionDefinitions.map((definition) => ({
      name: `projection:${definition.name}`,
      check: async () => {
        const lag = await projectionLag(stores.readModel, stores.eventStore, definition.name);
        if (!lag.behind) behindSince.delete(definition.name);
        else if (!behindSince.has(definition.name)) behindSince.set(definition.name, Date.now());
        const laggingMs = lag.behind ? Date.now() - behindSince.get(definition.name)! : 0;
        ctx.metrics.projectionLag.set({ projection: definition.name }, laggingMs / 1000);
        const ok = laggingMs <= ctx.config.PROJECTION_LAG_LIMIT_MS;
        return { ok, detail: ok ? undefined : `behind for ${Math.round(laggingMs / 1000)} s` };
      },
    })),
  ];
};
