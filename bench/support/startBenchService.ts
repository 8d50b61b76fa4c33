import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../src/adapters/config/config';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { createSqlEventHistory } from '../../src/adapters/eventStore/postgres/sqlEventHistory';
import { startService } from '../../src/adapters/service';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { openPgliteDatabase } from '../../src/adapters/sql/pgliteDatabase';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';

export const RETELL_KEY = 'bench_retell_key_0123456789';
export const WEBHOOK_SECRET = 'bench_webhook_secret_0123';

export type StoreKind = 'pglite' | 'postgres';

/** A database for one run: in-memory PGlite, or a fresh schema on DATABASE_URL dropped at the end. */
export const openBenchDatabase = async (kind: StoreKind): Promise<SqlDatabase> => {
  if (kind === 'pglite') return openPgliteDatabase(undefined);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required for the PostgreSQL run');
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const db = await openPgDatabase(url, { schema, max: 20 });
  return { ...db, close: async () => (await db.query(`DROP SCHEMA ${schema} CASCADE`), db.close()) };
};

/** The real service (HTTP, event store, projections) on a database, pointed at a Cal.com URL. */
export const startBenchService = async (db: SqlDatabase, calcomUrl: string, env: Record<string, string> = {}) => {
  const eventStore = await createPostgresEventStore(db);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    CALCOM_API_URL: calcomUrl,
    CALCOM_EVENT_TYPE_ID: '4242',
    RETELL_API_KEY: RETELL_KEY,
    CALCOM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    CONFIRMATION_WAIT_MS: '0',
    LOG_LEVEL: 'silent',
    // The stand-in Cal.com has no limit: our limiter must not apply, nor the slot cache.
    CALCOM_RATE_LIMIT_PER_MINUTE: '100000000',
    CALCOM_RATE_LIMIT_BURST: '10000000',
    CALCOM_SLOTS_CACHE_MS: '0',
    CALCOM_CHECK_EVENT_TYPE: 'false',
    BOOKING_HORIZON_DAYS: '3650',
    ...env,
  });
  const service = await startService({ config, stores: { eventStore, readModel: db, history: createSqlEventHistory(db), close: async () => undefined }, logger: pino({ level: 'silent' }) });
  return {
    service,
    eventStore,
    stop: async () => {
      await service.stop();
      await eventStore.close();
    },
  };
};
