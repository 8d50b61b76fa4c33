import { EventEmitter } from 'node:events';
import { v4 as uuidv4 } from 'uuid';
import {
  ConcurrencyError,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type StreamAppend,
} from '../../../application/ports/eventStore';
import type { SqlDatabase } from '../../sql/sqlDatabase';
import { pollingSubscription } from '../pollingSubscription';
import { createAppendBatcher, type LoneAppend, type StreamAppendPayload } from './appendBatcher';
import { appendedPayload, createAppendNotifier, parseAppendedPayload } from './appendNotifier';
import { decodePgPosition } from './positions';
import { eventStoreSchema } from './schema';
import { eventColumns, toStoredEvent, type EventRow } from './eventRow';

const expectedArgs = (expected: ExpectedVersion): [string, number] =>
  typeof expected === 'number' ? ['exact', expected] : [expected, 0];

const parseActual = (detail: unknown): number | undefined =>
  detail === 'absent' || typeof detail !== 'string' ? undefined : Number(detail);

/** bl_append's lost race (SQLSTATE BL409: DETAIL the actual version, HINT the stream) as the port's error. */
const asConcurrencyError = (error: unknown, which: (hint: string | undefined) => { streamId: string; expectedVersion: ExpectedVersion }) => {
  const pgError = error as { code?: string; detail?: unknown; hint?: unknown };
  if (pgError.code !== 'BL409') return undefined;
  const { streamId, expectedVersion } = which(typeof pgError.hint === 'string' ? pgError.hint : undefined);
  return new ConcurrencyError(streamId, expectedVersion, parseActual(pgError.detail));
};

const withIds = (events: NewEvent[]) => events.map((e) => ({ ...e, id: e.id ?? uuidv4() }));

/** One stream's append as bl_append, bl_append_many and bl_append_batch take it. */
const payloadOf = ({ streamId, events, expectedVersion = 'any' }: StreamAppend): StreamAppendPayload => {
  const [kind, version] = expectedArgs(expectedVersion);
  return { stream: streamId, expected: kind, version, events: withIds(events) };
};

/**
 * The NOTIFY channel of appends to the event store in `schema` (NOTIFY is database-wide: stores in
 * other schemas of the same database are not woken); the payload is the appending store's id, a
 * space, and the stream id.
 */
const appendedChannel = (schema: string) => `bl_appended_${schema.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);

/**
 * Appends that wait for a running one go together, at most this many in one statement: one subtransaction
 * each, below the 64 a session caches (PGPROC_MAX_CACHED_SUBXIDS); beyond that every snapshot on the server slows down.
 */
const MAX_APPEND_BATCH = 32;

/**
 * The event store on PostgreSQL, served by a `pg` pool or by embedded PGlite (same SQL).
 * `appendConcurrency`: append statements at a time before appends wait and go together (see
 * appendBatcher.ts). By default 4 on PostgreSQL (of a pool of 10): bursts of 200 bookings answered
 * 150–200 ms sooner at p99 (BENCHMARKS.md). Unlimited on PGlite, which never batches: its one connection
 * runs statements one after another anyway, and batches (subtransactions in WebAssembly) made its bursts slower.
 * `loneAppend`: how an append that is not batched is sent (see LoneAppend): a plain statement on PGlite
 * (by default; `function` there too for the tests), bl_append or bl_append_many on PostgreSQL.
 */
export const createPostgresEventStore = async (
  db: SqlDatabase,
  options: { pollIntervalMs?: number; ownsDatabase?: boolean; appendConcurrency?: number; loneAppend?: LoneAppend } = {},
): Promise<EventStore> => {
  const loneAppend = options.loneAppend ?? (db.kind === 'pglite' ? 'statement' : 'function');
  if (loneAppend === 'statement' && db.kind !== 'pglite') throw new Error('appends as plain statements take no stream locks: only on PGlite, which has one connection');
  await db.exec(eventStoreSchema);
  const appended = new EventEmitter();
  appended.setMaxListeners(0);
  // Appends of other processes on the same PostgreSQL wake this one's waiters and subscriptions too;
  // this store's own appends are signalled at once below, so their notifications are skipped.
  const notify = db.kind === 'postgres' && db.listen !== undefined;
  const storeId = uuidv4();
  const channel = notify ? appendedChannel((await db.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]!.schema) : '';
  const stopListening = notify
    ? await db.listen!(channel, (payload) => {
        const { sender, streamId, version } = parseAppendedPayload(payload);
        if (sender === storeId) return;
        appended.emit('stream', streamId, version);
        appended.emit('appended');
      }).catch(() => undefined)
    : undefined;
  const notifier = notify ? createAppendNotifier(db, channel) : undefined;
  const batcher = createAppendBatcher(db, {
    maxInFlight: options.appendConcurrency ?? (db.kind === 'pglite' ? Number.POSITIVE_INFINITY : 4),
    maxBatch: MAX_APPEND_BATCH,
    loneAppend,
  });
  const visibleOnly = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

  const readAll: EventStore['readAll'] = async ({ after, maxCount = 1000 } = {}) => {
    const from = after ? decodePgPosition(after) : { transactionId: '0', globalPosition: '0' };
    const { rows } = await db.query<EventRow>(
      `SELECT ${eventColumns} FROM bl_events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND ${visibleOnly}
       ORDER BY transaction_id, global_position LIMIT $3`,
      [from.transactionId, from.globalPosition, maxCount],
    );
    return rows.map(toStoredEvent);
  };

  /** After the commit, only when the append succeeded: this process's listeners at once, others through NOTIFY. */
  const signalAppended = (streams: Array<{ streamId: string; version: number; note?: unknown }>) => {
    for (const { streamId, version, note } of streams) {
      notifier?.notify(appendedPayload(storeId, streamId, version));
      appended.emit('stream', streamId, version, note);
    }
    appended.emit('appended');
  };

  return {
    name: db.kind === 'pglite' ? 'PGlite' : 'PostgreSQL',

    appendToStream: async (streamId, events, { expectedVersion = 'any', note } = {}) => {
      if (events.length === 0) throw new Error('appendToStream needs at least one event');
      try {
        const [row] = await batcher.append([payloadOf({ streamId, events, expectedVersion })]);
        const nextExpectedVersion = Number(row!.next_version);
        signalAppended([{ streamId, version: nextExpectedVersion, note }]);
        return { nextExpectedVersion, position: row!.last_position };
      } catch (error) {
        throw asConcurrencyError(error, () => ({ streamId, expectedVersion })) ?? error;
      }
    },

    appendToStreams: async (appends) => {
      if (appends.length === 0 || appends.some((a) => a.events.length === 0)) throw new Error('appendToStreams needs at least one event for each stream');
      try {
        const results = (await batcher.append(appends.map(payloadOf))).map((row) => ({ nextExpectedVersion: Number(row.next_version), position: row.last_position }));
        signalAppended(appends.map((a, i) => ({ streamId: a.streamId, version: results[i]!.nextExpectedVersion, note: a.note })));
        return results;
      } catch (error) {
        throw (
          asConcurrencyError(error, (hint) => {
            const lost = appends.find((a) => a.streamId === hint) ?? appends[0]!;
            return { streamId: lost.streamId, expectedVersion: lost.expectedVersion ?? 'any' };
          }) ?? error
        );
      }
    },

    readStream: async (streamId, { fromVersion = 1, maxCount = 2 ** 31 - 1 } = {}) => {
      const { rows } = await db.query<EventRow>(
        `SELECT ${eventColumns} FROM bl_events WHERE stream_id = $1 AND stream_version >= $2
         ORDER BY stream_version LIMIT $3`,
        [streamId, fromVersion, maxCount],
      );
      return rows.map(toStoredEvent);
    },

    readAll,

    headPosition: async () => {
      const { rows } = await db.query<EventRow>(
        `SELECT ${eventColumns} FROM bl_events WHERE ${visibleOnly}
         ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      );
      return rows[0] ? toStoredEvent(rows[0]).position : undefined;
    },

    subscribe: (subscribeOptions) =>
      pollingSubscription(
        readAll,
        { pollIntervalMs: options.pollIntervalMs, ...subscribeOptions },
        (wake) => {
          appended.on('appended', wake);
          return () => appended.off('appended', wake);
        },
      ),

    onAppended: (listener) => {
      appended.on('stream', listener);
      return () => appended.off('stream', listener);
    },

    close: async () => {
      await notifier?.drain();
      await stopListening?.();
      appended.removeAllListeners();
      if (options.ownsDatabase) await db.close();
    },
  };
};
