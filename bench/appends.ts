/**
 * 1. Append throughput: single-event appends from N concurrent writers, each to its own stream with
 * its expected version, through the event store (`bl_append`, one round trip). Baseline: the same rows
 * (a `bl_streams` version bump and a `bl_events` row, same tables and indexes) written by one raw
 * INSERT statement per event through the same driver: one transaction per event, same durability.
 */
import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../src/adapters/eventStore/postgres/postgresEventStore';
import { eventStoreSchema } from '../src/adapters/eventStore/postgres/schema';
import type { SqlDatabase } from '../src/adapters/sql/sqlDatabase';
import { freshPglite, freshPostgres, storeLabel, type Store } from './support/benchDb';
import type { ResultRow } from './support/report';
import { fmt } from './support/stats';

export interface AppendOptions {
  writers: number[];
  /** Each side runs `slices` times for `sliceSeconds`, alternating. */
  slices: number;
  sliceSeconds: number;
}

export const eventFor = (streamId: string, n: number) => {
  const occurredAt = new Date().toISOString();
  return {
    id: randomUUID(),
    type: 'BookingRequested',
    schemaVersion: 1,
    data: {
      bookingId: streamId,
      callId: `call_append_${n}`,
      occurredAt,
      eventTypeId: 4242,
      slotStart: '2032-01-15T08:00:00.000Z',
      timeZone: 'Europe/Berlin',
      service: 'Beratung',
      language: 'de',
      attendee: { name: 'Append Caller', email: `call_append_${n}@caller.example` },
    },
    metadata: { occurredAt, callId: `call_append_${n}`, correlationId: streamId, causationId: streamId },
  };
};

/** The raw baseline writes into its own copy of the tables (same DDL) in schema `base`. */
export const rawInsert = (base: string) => `
WITH s AS (
  INSERT INTO ${base}.bl_streams AS s (stream_id, version) VALUES ($1, 1)
  ON CONFLICT (stream_id) DO UPDATE SET version = s.version + 1
  RETURNING version
)
INSERT INTO ${base}.bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
SELECT $1, s.version, $2::uuid, $3, $4, $5::jsonb, $6::jsonb FROM s`;

type AppendOne = (streamId: string, version: number, n: number) => Promise<void>;

/** Ours, and how to close the store (on PostgreSQL it holds a LISTEN connection of its own, outside the pool). */
const oursOn = async (db: SqlDatabase): Promise<[AppendOne, () => Promise<void>]> => {
  const store = await createPostgresEventStore(db);
  const append: AppendOne = async (streamId, version, n) => {
    await store.appendToStream(streamId, [eventFor(streamId, n)], { expectedVersion: version === 0 ? 'no_stream' : version });
  };
  return [append, () => store.close()];
};

const baselineOn = async (db: SqlDatabase, base: string): Promise<AppendOne> => {
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${base}; SET search_path TO ${base}; ${eventStoreSchema}; RESET search_path;`);
  const sql = rawInsert(base);
  return async (streamId, _version, n) => {
    const e = eventFor(streamId, n);
    await db.query(sql, [streamId, e.id, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
  };
};

/** `writers` loops appending back to back for `seconds`: [appends, seconds taken]. */
const drive = async (append: AppendOne, writers: number, seconds: number, next: Map<string, number>, tag: string): Promise<[number, number]> => {
  let total = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const streamId = `bench-append-${tag}-${w}`;
      while (performance.now() < deadline) {
        const version = next.get(streamId) ?? 0;
        await append(streamId, version, total);
        next.set(streamId, version + 1);
        total += 1;
      }
    }),
  );
  return [total, (performance.now() - started) / 1000];
};

/**
 * One database per writer count (a pool with one connection per writer, shared by both sides); the
 * two sides run in alternating slices so a noisy neighbour hits both alike.
 */
const measure = async (store: Store, writers: number, options: AppendOptions): Promise<{ ours: number; base: number }> => {
  const bench = await (store === 'postgres' ? freshPostgres(Math.max(writers, 2)) : freshPglite());
  try {
    const base = bench.schema ? `${bench.schema}_base` : 'bench_base';
    const [ours, closeOurs] = await oursOn(bench.db);
    const sides = { ours, base: await baselineOn(bench.db, base) };
    const versions = { ours: new Map<string, number>(), base: new Map<string, number>() };
    const sums = { ours: [0, 0], base: [0, 0] };
    for (const side of ['ours', 'base'] as const) await drive(sides[side], writers, 0.2, versions[side], side); // connections and plans warm
    for (let slice = 0; slice < options.slices; slice += 1) {
      const order = slice % 2 === 0 ? (['base', 'ours'] as const) : (['ours', 'base'] as const);
      for (const side of order) {
        const [n, s] = await drive(sides[side], writers, options.sliceSeconds, versions[side], side);
        sums[side][0]! += n;
        sums[side][1]! += s;
      }
    }
    await closeOurs();
    if (bench.schema) await bench.db.query(`DROP SCHEMA ${base} CASCADE`);
    return { ours: sums.ours[0]! / sums.ours[1]!, base: sums.base[0]! / sums.base[1]! };
  } finally {
    await bench.dispose();
  }
};

export const benchAppends = async (store: Store, options: AppendOptions, log: (line: string) => void): Promise<ResultRow[]> => {
  const rows: ResultRow[] = [];
  for (const writers of options.writers) {
    const { ours, base } = await measure(store, writers, options);
    log(`appends ${storeLabel(store)}, ${writers} writers: ours ${fmt(ours)}/s, raw INSERT ${fmt(base)}/s`);
    rows.push({
      metric: `1. append, ${writers} writer${writers > 1 ? 's' : ''} (events/s)`,
      store: storeLabel(store),
      value: ours,
      baseline: base,
      label: 'raw INSERT',
      digits: 0,
      compare: 'ratio',
      target: '≥ 0.70',
      met: ours / base >= 0.7,
    });
  }
  return rows;
};
