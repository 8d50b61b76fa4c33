/**
 * Where a lone append's time goes (`npx tsx bench/diagnose/appendSplit.ts`, PGlite on disk; `--store
 * postgres` with DATABASE_URL): one writer appending one event at a time to its own stream, through the
 * event store as the service opens it (`store`), the same store sending each append through bl_append
 * (`store as function`) or, on PGlite, as one plain statement (`store as statement`), and the bench's raw INSERT of
 * the same rows (`raw`, bench/appends.ts). Sides take turns, 4 slices of 1.5 s each; appends/s per slice.
 * `--streams 2`: each append writes one event to each of two streams of its own (appendToStreams, as a
 * booking's decision and its delivery's routing are written), without the raw side.
 */
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { eventStoreSchema } from '../../src/adapters/eventStore/postgres/schema';
import { eventFor, rawInsert } from '../appends';
import { freshPglite, freshPostgres } from '../support/benchDb';
import { arg } from './args';

type AppendOne = (streamId: string, version: number, n: number) => Promise<unknown>;

const main = async () => {
  const twoStreams = arg('streams') === '2';
  const bench = arg('store') === 'postgres' ? await freshPostgres(2) : await freshPglite();
  const { db } = bench;
  const stores = {
    store: await createPostgresEventStore(db),
    'store as function': await createPostgresEventStore(db, { loneAppend: 'function' }),
    // (The store refuses plain statements on PostgreSQL: they take no stream locks.)
    ...(db.kind === 'pglite' && { 'store as statement': await createPostgresEventStore(db, { loneAppend: 'statement' }) }),
  };
  const base = bench.schema ? `${bench.schema}_base` : 'bench_base';
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${base}; SET search_path TO ${base}; ${eventStoreSchema}; RESET search_path;`);
  const raw = rawInsert(base);
  const sides: Record<string, AppendOne> = {
    ...Object.fromEntries(
      Object.entries(stores).map(([name, store]) => [
        name,
        (s: string, v: number, n: number) =>
          twoStreams
            ? store.appendToStreams!([`${s}-a`, `${s}-b`].map((streamId) => ({ streamId, events: [eventFor(streamId, n)], expectedVersion: v === 0 ? 'no_stream' : v })))
            : store.appendToStream(s, [eventFor(s, n)], { expectedVersion: v === 0 ? 'no_stream' : v }),
      ]),
    ),
    ...(!twoStreams && {
      raw: (s: string, _v: number, n: number) => {
        const e = eventFor(s, n);
        return db.query(raw, [s, e.id, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
      },
    }),
  };
  const versions = new Map<string, number>();
  const drive = async (name: string, ms: number): Promise<number> => {
    const streamId = `split-${name.replace(/ /g, '-')}`;
    const started = performance.now();
    let total = 0;
    for (; performance.now() - started < ms; total += 1) {
      const version = versions.get(streamId) ?? 0;
      await sides[name]!(streamId, version, total);
      versions.set(streamId, version + 1);
    }
    return total / ((performance.now() - started) / 1000);
  };
  for (const name of Object.keys(sides)) await drive(name, 300); // plans and code warm
  const rates: Record<string, number[]> = {};
  for (let slice = 0; slice < 4; slice += 1) for (const name of Object.keys(sides)) (rates[name] ??= []).push(await drive(name, 1500));
  for (const [name, perSlice] of Object.entries(rates)) console.log(`${name.padEnd(20)} ${perSlice.map((r) => Math.round(r).toLocaleString('en-US')).join('  ')} appends/s`);
  for (const store of Object.values(stores)) await store.close();
  if (bench.schema) await db.query(`DROP SCHEMA ${base} CASCADE`);
  await bench.dispose();
};
void main();
