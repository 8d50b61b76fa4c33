import type { EventStore, StoredEvent } from '../application/ports/eventStore';
import type { SqlDatabase, SqlExecutor } from '../application/ports/sql';
import { leaderLockKey } from './leaderLock';
import { findParked, isTransientFailure, parkEvent, type ParkedEvent } from './parkedEvents';
import { projectionCheckpointsSchema } from './schema';

/**
 * Applies one event to the read model inside the batch's transaction. Must be idempotent. A projection
 * may also offer `batch`: the same for all of a batch's events at once, with the same result (the
 * runner then uses it; a plain function is applied event by event).
 */
export interface ProjectionApply {
  (tx: SqlExecutor, event: StoredEvent): Promise<void>;
  batch?(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<void>;
}

export interface ProjectionBatch {
  name: string;
  /** Checkpoint before the batch (undefined = from the start). */
  from: string | undefined;
  /** Checkpoint committed with the batch. */
  to: string;
  count: number;
  /** Events of the batch the projection could not apply: parked, skipped, the checkpoint moved past them. */
  parked: ParkedEvent[];
}

export interface ProjectionOptions {
  name: string;
  eventStore: EventStore;
  /** The read-model database: rows and checkpoint are written here, in one transaction per batch. */
  db: SqlDatabase;
  apply: ProjectionApply;
  /** DDL run (idempotently) before the first batch, e.g. `appointmentsSchema`. */
  schema?: string;
  batchSize?: number;
}

export interface StartProjectionOptions extends ProjectionOptions {
  /** Wait when caught up or when another instance leads (default 250 ms). */
  pollIntervalMs?: number;
  /** Longest back-off after repeated errors (default 30 s). */
  maxBackoffMs?: number;
  onError?(error: unknown): void;
  /** After each committed batch. */
  onBatch?(batch: ProjectionBatch): void;
}

export interface RunningProjection {
  stop(): Promise<void>;
  /** The last checkpoint this instance saw or committed. */
  position(): string | undefined;
}

type Round =
  | { kind: 'applied'; batch: ProjectionBatch }
  | { kind: 'caught_up'; position: string | undefined }
  | { kind: 'not_leader'; position: string | undefined }
  | { kind: 'moved'; position: string | undefined };

export const readCheckpoint = async (db: SqlExecutor, name: string): Promise<string | undefined> => {
  const { rows } = await db.query<{ position: string | null }>('SELECT position FROM bl_projection_checkpoints WHERE name = $1', [name]);
  return rows[0]?.position ?? undefined;
};

const ensureSchema = async (db: SqlDatabase, schema?: string) => {
  await db.exec(projectionCheckpointsSchema);
  if (schema) await db.exec(schema);
};

/**
 * One round: read the next batch after the stored checkpoint (outside any transaction, so the event
 * store may share the connection, as PGlite does), then in ONE transaction: become leader
 * (`pg_try_advisory_xact_lock`), re-read the checkpoint `FOR UPDATE`, apply the batch, move the
 * checkpoint. Rows and checkpoint commit together or not at all.
 */
type ReadBatch = (after: string | undefined) => Promise<StoredEvent[]>;

const runRound = async (options: ProjectionOptions, read?: ReadBatch): Promise<Round> => {
  const { name, eventStore, db, apply, batchSize = 500 } = options;
  const from = await readCheckpoint(db, name);
  const events = await (read ? read(from) : eventStore.readAll({ after: from, maxCount: batchSize }));
  if (events.length === 0) return { kind: 'caught_up', position: from };
  const to = events[events.length - 1]!.position;

  return db.transaction(async (tx): Promise<Round> => {
    const { rows: lock } = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':' || $1)) AS locked`, [leaderLockKey(name)]);
    if (!lock[0]?.locked) return { kind: 'not_leader', position: from };
    const { rows } = await tx.query<{ position: string | null }>(
      'SELECT position FROM bl_projection_checkpoints WHERE name = $1 FOR UPDATE',
      [name],
    );
    const current = rows[0]?.position ?? undefined;
    // Another instance committed this batch between our read and our lock: read again.
    if (current !== from) return { kind: 'moved', position: current };
    const parked = await applyOrPark(tx, name, apply, events);
    await tx.query(
      `INSERT INTO bl_projection_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      [name, to],
    );
    return { kind: 'applied', batch: { name, from, to, count: events.length, parked } };
  });
};

/**
 * The batch as a whole; if it fails for a reason that is not transient, event by event, each in a
 * savepoint of its own, parking every event that fails. One bad event never stops a projection.
 */
const applyOrPark = async (tx: SqlExecutor, name: string, apply: ProjectionApply, events: StoredEvent[]): Promise<ParkedEvent[]> => {
  await tx.query('SAVEPOINT bl_batch');
  try {
    if (apply.batch) await apply.batch(tx, events);
    else for (const event of events) await apply(tx, event);
    return [];
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT bl_batch');
  }
  const parked: ParkedEvent[] = [];
  for (const event of events) {
    await tx.query('SAVEPOINT bl_event');
    try {
      await apply(tx, event);
      await tx.query('RELEASE SAVEPOINT bl_event');
    } catch (error) {
      if (isTransientFailure(error)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT bl_event');
      parked.push(await parkEvent(tx, name, event, error));
    }
  }
  return parked;
};

interface Sleeper {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

const sleeper = (): Sleeper => {
  let wake: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      }),
    wake: () => wake?.(),
  };
};

/**
 * Runs a projection until stopped: one leader per projection name across all processes (advisory
 * lock taken in every batch transaction; followers skip the round and wait). Errors (a database
 * restart, a failing `apply`) are reported to `onError`; the runner backs off and retries the batch.
 */
export const startProjection = (options: StartProjectionOptions): RunningProjection => {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let stopped = false;
  let position: string | undefined;
  const pause = sleeper();

  const loop = (async () => {
    let schemaReady = false;
    let failures = 0;
    while (!stopped) {
      try {
        if (!schemaReady) {
          await ensureSchema(options.db, options.schema);
          schemaReady = true;
        }
        const round = await runRound(options);
        failures = 0;
        if (round.kind === 'applied') {
          position = round.batch.to;
          options.onBatch?.(round.batch);
          continue;
        }
        position = round.position;
        if (round.kind === 'moved') continue;
        await pause.sleep(pollIntervalMs);
      } catch (error) {
        failures += 1;
        options.onError?.(error);
        if (!stopped) await pause.sleep(Math.min(pollIntervalMs * 2 ** failures, maxBackoffMs));
      }
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      pause.wake();
      await loop;
    },
    position: () => position,
  };
};

/**
 * Reads batches in order and fetches the next one while the caller applies the current one, so the
 * database writes one batch while this process decodes the next. A read for another position (the
 * checkpoint moved under another leader) discards the one fetched ahead.
 */
const readAhead = (eventStore: EventStore, maxCount: number): ReadBatch => {
  let ahead: { after: string | undefined; events: Promise<StoredEvent[]> } | undefined;
  const fetch = (after: string | undefined) => {
    const events = eventStore.readAll({ after, maxCount });
    events.catch(() => undefined); // a discarded read must not become an unhandled rejection
    return { after, events };
  };
  return async (after) => {
    const current = ahead && ahead.after === after ? ahead : fetch(after);
    ahead = undefined;
    const events = await current.events;
    if (events.length === maxCount) ahead = fetch(events[events.length - 1]!.position);
    return events;
  };
};

export interface RunToEndOptions extends ProjectionOptions {
  /** While another instance leads, how often to look whether it reached the head (default 100 ms). */
  pollIntervalMs?: number;
  onBatch?(batch: ProjectionBatch): void;
}

/**
 * Catches the projection up to the event store's head as it is now and returns how many events
 * this call applied. Errors propagate. When another instance leads, waits for it to reach the head.
 */
export const runProjectionToEnd = async (options: RunToEndOptions): Promise<number> => {
  await ensureSchema(options.db, options.schema);
  const head = await options.eventStore.headPosition();
  const read = readAhead(options.eventStore, options.batchSize ?? 500);
  let applied = 0;
  for (;;) {
    const round = await runRound(options, read);
    if (round.kind === 'applied') {
      applied += round.batch.count;
      options.onBatch?.(round.batch);
      if (head !== undefined && round.batch.to >= head) return applied;
      continue;
    }
    if (round.kind === 'caught_up') return applied;
    if (head === undefined || (round.position !== undefined && round.position >= head)) return applied;
    if (round.kind === 'not_leader') await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 100));
  }
};

const safeTable = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid table name "${name}"`);
  return name;
};

/** A rebuild reads and applies this many events per transaction unless told otherwise (live runs: 500). */
export const REBUILD_BATCH_SIZE = 20_000;

export interface RebuildOptions extends ProjectionOptions {
  /** The projection's tables, emptied before replaying every event. */
  truncate: string[];
  onProgress?(done: number, total?: number): void;
  /**
   * Each event parked while replaying, told once the projection reached the head. Read from the parked
   * table (which the rebuild emptied first), so it includes what a live leader parked if it took a batch
   * of the replay between the rebuild's own batches.
   */
  onParked?(parked: ParkedEvent): void;
}

/**
 * Rebuilds a projection from the first event: one transaction empties its tables and deletes its
 * checkpoint (under the projection's leader lock, waiting for a running batch to finish), then the
 * projection catches up to the head. Returns the number of events this call applied (a live leader of the
 * same projection may apply some of the batches in between).
 */
export const rebuildProjection = async (options: RebuildOptions): Promise<number> => {
  const { name, db, truncate } = options;
  await ensureSchema(db, options.schema);
  const tables = truncate.map(safeTable);
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || $1))`, [leaderLockKey(name)]);
    if (tables.length > 0) await tx.query(`TRUNCATE ${tables.join(', ')}`);
    await tx.query('DELETE FROM bl_projection_checkpoints WHERE name = $1', [name]);
    // Parked events are tried again: what still fails is parked anew.
    await tx.query('DELETE FROM bl_parked_events WHERE projection = $1', [name]);
  });
  let done = 0;
  options.onProgress?.(0);
  const applied = await runProjectionToEnd({
    ...options,
    batchSize: options.batchSize ?? REBUILD_BATCH_SIZE,
    onBatch: (batch) => {
      done += batch.count;
      options.onProgress?.(done);
    },
  });
  if (options.onParked) for (const parked of await findParked(db, { projection: name, limit: 10_000 })) options.onParked(parked);
  return applied;
};

export interface ProjectionLag {
  checkpoint: string | undefined;
  head: string | undefined;
  behind: boolean;
}

/** How far a projection trails the event store. */
export const projectionLag = async (db: SqlDatabase, eventStore: EventStore, name: string): Promise<ProjectionLag> => {
  const noTableYet = (error: unknown) => {
    if ((error as { code?: string }).code === '42P01') return undefined; // undefined_table: never ran
    throw error;
  };
  const [checkpoint, head] = await Promise.all([readCheckpoint(db, name).catch(noTableYet), eventStore.headPosition()]);
  return { checkpoint, head, behind: head !== undefined && (checkpoint === undefined || checkpoint < head) };
};
