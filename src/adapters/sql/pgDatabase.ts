import { Client, DatabaseError, Pool, type PoolClient, type PoolConfig } from 'pg';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase';

export interface PgDatabaseOptions extends PoolConfig {
  /** Work inside this schema (created if missing), e.g. to isolate a test run. */
  schema?: string;
}

const safeIdentifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid schema name "${name}"`);
  return name;
};

export const openPgDatabase = async (connectionString: string, options: PgDatabaseOptions = {}): Promise<SqlDatabase> => {
  const { schema, ...config } = options;
  if (schema) {
    const setup = new Pool({ connectionString, max: 1 });
    // Opened at the same moment elsewhere: IF NOT EXISTS still races on the catalog (23505); the schema is there.
    await setup
      .query(`CREATE SCHEMA IF NOT EXISTS ${safeIdentifier(schema)}`)
      .catch((error: { code?: string }) => {
        if (error.code !== '23505') throw error;
      })
      .finally(() => setup.end());
  }
  const pool = new Pool({
    connectionString,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    ...config,
  });
  // An idle client that loses its server (restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  /**
   * A client for `work`, given back afterwards. A server that goes away while it is out makes the client
   * emit 'error' (without a listener that crashes the process): it is then discarded, as it is when
   * `work` marks it broken.
   */
  const withClient = async <T>(work: (client: PoolClient, markBroken: () => void) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    const markBroken = () => {
      broken = true;
    };
    client.on('error', markBroken);
    try {
      return await work(client, markBroken);
    } finally {
      client.off('error', markBroken);
      client.release(broken);
    }
  };

  /**
   * Not pool.query: it hands every error to release(), which destroys the client, so each lost append
   * race (SQLSTATE BL409) cost a connection. An error the server raised in a healthy session keeps the
   * client; a broken connection (or a FATAL/PANIC from the server) discards it.
   */
  const query: SqlExecutor['query'] = (text, params) =>
    withClient(async (client, markBroken) => {
      try {
        return { rows: (await client.query(text, params as unknown[] | undefined)).rows };
      } catch (error) {
        if (!(error instanceof DatabaseError) || error.severity === 'FATAL' || error.severity === 'PANIC') markBroken();
        throw error;
      }
    });

  const listeners = new Set<() => Promise<void>>();
  return {
    kind: 'postgres',
    query,
    exec: async (script) => {
      await pool.query(script);
    },
    transaction: (work) =>
      withClient(async (client, markBroken) => {
        try {
          await client.query('BEGIN');
          const result = await work({
            query: async (text, params) => ({ rows: (await client.query(text, params as unknown[] | undefined)).rows }),
          });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(markBroken);
          throw error;
        }
      }),
    listen: async (channel, onNotify) => {
      const stop = await listenOn({ connectionString, ...(schema ? { options: `-c search_path=${schema}` } : {}), ...config }, channel, onNotify);
      const stopOnce = async () => {
        listeners.delete(stopOnce);
        await stop();
      };
      listeners.add(stopOnce);
      return stopOnce;
    },
    // A closed database keeps nothing open: the listening connections its users did not stop go too.
    close: async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
};

/**
 * LISTEN on a dedicated client; when the server goes away the client is replaced (every second until it
 * answers). Notifications sent while it was away are lost: the waiters' slow polling covers that gap.
 */
const listenOn = async (config: PoolConfig, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> => {
  const name = safeIdentifier(channel);
  let stopped = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new Client(config);
    next.on('notification', (message) => {
      if (message.channel === name) onNotify(message.payload ?? '');
    });
    const lost = () => {
      if (client === next) client = undefined;
      void next.end().catch(() => undefined);
      schedule();
    };
    next.on('error', lost);
    next.on('end', lost);
    try {
      await next.connect();
      await next.query(`LISTEN ${name}`);
    } catch (error) {
      next.off('end', lost);
      void next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) return void (await next.end().catch(() => undefined));
    client = next;
  };
  const schedule = () => {
    if (stopped || retry || client) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(schedule);
    }, 1000);
    retry.unref();
  };
  // Unreachable now: keep trying in the background (the waiters poll slowly meanwhile).
  await connect().catch(schedule);
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
};
