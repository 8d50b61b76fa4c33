/**
 * What the append's NOTIFY costs under a burst (PostgreSQL): `npx tsx bench/diagnose/notifyCommitLock.ts`
 * with DATABASE_URL. A transaction that sent a NOTIFY takes one database-wide lock at commit
 * (pg_locks: an AccessExclusiveLock on object pg_database / 0) and holds it until its commit is flushed,
 * so such commits cannot share a WAL flush and run one at a time. Here: 200 writers, each appending 6
 * events one after another to a stream of its own (the appends of a booking), through the service's
 * event store and a pool of 10 like the service's, once with the store as the service opens it (NOTIFY
 * in every append) and once with the same store on a database handle without LISTEN support (no
 * NOTIFY), alternating, 3 times each. `--instances 3`: the writers spread over three such stores, each
 * on a pool of its own and LISTENing, as three service instances are.
 */
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { eventFor } from '../appends';
import { freshPostgres, postgresUrl } from '../support/benchDb';
import { fmt, median, quantile } from '../support/stats';

const WRITERS = 200;
const APPENDS_EACH = 6;
const ROUNDS = 3;

const instancesFlag = process.argv.indexOf('--instances');
const INSTANCES = instancesFlag > 0 ? Number(process.argv[instancesFlag + 1]) : 1;

const burstOfAppends = async (dbs: SqlDatabase[], tag: string) => {
  const stores = await Promise.all(dbs.map((db) => createPostgresEventStore(db)));
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const store = stores[w % stores.length]!;
      const streamId = `diagnose-${tag}-${w}`;
      for (let version = 0; version < APPENDS_EACH; version += 1) {
        const t = performance.now();
        await store.appendToStream(streamId, [eventFor(streamId, w)], { expectedVersion: version === 0 ? 'no_stream' : version });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const store of stores) await store.close();
  return { seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
};

const main = async () => {
  const bench = await freshPostgres(10, 'diagnose');
  const more = await Promise.all(Array.from({ length: INSTANCES - 1 }, () => openPgDatabase(postgresUrl(), { schema: bench.schema, max: 10 })));
  try {
    const dbs = [bench.db, ...more];
    const sides = { notify: dbs, 'no notify': dbs.map((db): SqlDatabase => ({ ...db, listen: undefined })) };
    const results: Record<keyof typeof sides, Array<Awaited<ReturnType<typeof burstOfAppends>>>> = { notify: [], 'no notify': [] };
    await burstOfAppends(dbs, 'warm');
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const side of Object.keys(sides) as Array<keyof typeof sides>) results[side].push(await burstOfAppends(sides[side], `${side.replace(' ', '')}${round}`));
    }
    for (const [side, runs] of Object.entries(results)) {
      const seconds = median(runs.map((r) => r.seconds));
      process.stdout.write(
        `${side}, ${INSTANCES} pool${INSTANCES > 1 ? 's' : ''} of 10: ${fmt(WRITERS * APPENDS_EACH)} appends in ${fmt(seconds * 1000)} ms (median of ${ROUNDS}: ${runs.map((r) => fmt(r.seconds * 1000)).join(', ')}), ` +
          `${fmt((WRITERS * APPENDS_EACH) / seconds)}/s; one append p50 ${fmt(median(runs.map((r) => r.p50)), 1)} / p99 ${fmt(median(runs.map((r) => r.p99)), 1)} ms\n`,
      );
    }
  } finally {
    for (const db of more) await db.close();
    await bench.dispose();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
