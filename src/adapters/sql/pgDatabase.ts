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
  let closing: Promise<void> | undefined;
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
      if (closing) throw new Error(`Cannot LISTEN on ${channel}: the database is closed`);
      const listener = listenOn({ connectionString, ...(schema ? { options: `-c search_path=${schema}` } : {}), ...config }, channel, onNotify);
      const stopOnce = async () => {
        listeners.delete(stopOnce);
        await listener.stop();
      };
      // Registered before the first connection is up: a close meanwhile ends that attempt too.
      listeners.add(stopOnce);
      await listener.started;
      return stopOnce;
    },
    // A closed database keeps nothing open: the listening connections its users did not stop go too.
    // Closing twice (a shutdown and a test's afterAll) is one close.
    close: () => {
      closing ??= (async () => {
        await Promise.all([...listeners].map((stop) => stop()));
        await pool.end();
      })();
      return closing;
    },
  };
};

/** pg has no public way to abort a connection attempt: end() waits for the server's goodbye, which a hanging server never sends. */
const abortConnecting = (attempt: Client) => (attempt as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

/**
 * LISTEN on a dedicated client; when the server goes away the client is replaced (every second until it
 * answers). Notifications sent while it was away are lost: the waiters' slow polling covers that gap.
 * `started` settles once the first attempt has (an unreachable server leaves the retries running);
 * `stop` ends the client and any attempt still connecting, so nothing connects after it resolved.
 */
const listenOn = (config: PoolConfig, channel: string, onNotify: (payload: string) => void) => {
  const name = safeIdentifier(channel);
  let stopped = false;
  let client: Client | undefined;
  let attempt: { client: Client; done: Promise<void> } | undefined;
  let retry: NodeJS.Timeout | undefined;
  const open = async (next: Client): Promise<void> => {
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
    // pg 8 never settles connect() when the connection goes while connecting (stop() aborts it): its 'end' does.
    const endedWhileConnecting = new Promise<never>((_resolve, reject) => next.once('end', () => reject(new Error('ended while connecting'))));
    try {
      await Promise.race([next.connect(), endedWhileConnecting]);
      await next.query(`LISTEN ${name}`);
    } catch (error) {
      next.off('end', lost);
      void next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) return void (await next.end().catch(() => undefined));
    client = next;
  };
  const connect = (): Promise<void> => {
    const next = new Client(config);
    const done = open(next);
    attempt = { client: next, done };
    const settled = () => {
      if (attempt?.client === next) attempt = undefined;
    };
    done.then(settled, settled);
    return done;
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
  const started = connect().catch(schedule);
  const stop = async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    if (attempt) {
      abortConnecting(attempt.client);
      await attempt.done.catch(() => undefined);
    }
    await client?.end().catch(() => undefined);
  };
  return { started, stop };
};
