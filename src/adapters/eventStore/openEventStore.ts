import type { EventHistory } from '../../application/ports/eventHistory';
import type { EventStore } from '../../application/ports/eventStore';
import { openSqlDatabase, isSqlUrl } from '../sql/openSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { createSqlEventHistory } from './postgres/sqlEventHistory';
import { scanningEventHistory } from './scanningEventHistory';
import { createPostgresEventStore } from './postgres/postgresEventStore';

export interface OpenedStores {
  eventStore: EventStore;
  /** The read model's database: READ_MODEL_URL, else the event store's own PostgreSQL/PGlite. */
  readModel: SqlDatabase;
  /** Analysts' history queries: indexed SQL on PostgreSQL/PGlite, a full scan over `readAll` on EventStoreDB. */
  history: EventHistory;
  /** The event store's own database when it is PostgreSQL/PGlite (readiness asks it what holds the global order back). */
  eventsDb?: SqlDatabase;
  close(): Promise<void>;
}

const ESDB_FALLBACK_READ_MODEL = 'pglite://./data/read-model';
const PROBE_TIMEOUT_MS = 5000;

/** EventStoreDB connects lazily: ask it once at start, so an unreachable server fails start-up like PostgreSQL does. */
const probe = async (eventStore: EventStore): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`EventStoreDB did not answer within ${PROBE_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([eventStore.headPosition(), timeout]);
  } catch (error) {
    await eventStore.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
};

/** Opens the event store named by URL and the read-model database beside it. */
export const openStores = async (eventStoreUrl: string, readModelUrl?: string, options: { poolSize?: number } = {}): Promise<OpenedStores> => {
  if (isSqlUrl(eventStoreUrl)) {
    const eventsDb = await openSqlDatabase(eventStoreUrl, options);
    const eventStore = await createPostgresEventStore(eventsDb);
    const separate = readModelUrl !== undefined && readModelUrl !== eventStoreUrl;
    const readModel = separate ? await openSqlDatabase(readModelUrl, options) : eventsDb;
    const history = createSqlEventHistory(eventsDb);
    return {
      eventStore,
      readModel,
      history,
      eventsDb,
      close: async () => {
        await eventStore.close();
        if (separate) await readModel.close();
        await eventsDb.close();
      },
    };
  }
  // Loaded only for an EventStoreDB URL: its gRPC client costs every other start ~0.15 s of CPU.
  const { createEsdbEventStore } = await import('./esdb/esdbEventStore');
  const eventStore = createEsdbEventStore(eventStoreUrl);
  await probe(eventStore);
  const readModel = await openSqlDatabase(readModelUrl ?? ESDB_FALLBACK_READ_MODEL, options);
  return {
    eventStore,
    readModel,
    history: scanningEventHistory(eventStore),
    close: async () => {
      await eventStore.close();
      await readModel.close();
    },
  };
};
