/**
 * Speed and scale, every figure next to a baseline measured in the same run (a noisy machine still
 * gives a meaningful ratio). Prints one table and rewrites the generated block of BENCHMARKS.md.
 *   npm run bench                # full: 1,000,000 events on PostgreSQL, ~10 s load phases
 *   npm run bench:quick          # under two minutes on 2 cores: smaller history, short phases
 *   npm run bench -- --stores postgres --only burst,instances --no-write
 * PostgreSQL runs need DATABASE_URL (each part works in a schema of its own and drops it).
 */
import os from 'node:os';
import path from 'node:path';
import { createPostgresEventStore } from '../src/adapters/eventStore/postgres/postgresEventStore';
import { benchAppends, type AppendOptions } from './appends';
import { benchBurst } from './burst';
import { benchHttp, type HttpOptions } from './http';
import { benchInstances } from './instances';
import { benchRebuild } from './rebuild';
import { freshPglite, freshPostgres, storeLabel, type Store } from './support/benchDb';
import type { BurstOptions } from './support/burstRound';
import { buildForBench, type Build } from './support/children';
import { describeMachine } from './support/machine';
import { markdownTable, textTable, writeResults, type ResultRow } from './support/report';
import { EVENTS_PER_BOOKING, seedBookings, waitUntilVisible } from './support/seed';
import { fmt } from './support/stats';
import { benchTimeline, type TimelineOptions } from './timeline';

interface Plan {
  appends: AppendOptions;
  /** Bookings seeded per store (5 events each) for the rebuild and the timeline. */
  bookings: Record<Store, number>;
  http: HttpOptions;
  timeline: TimelineOptions;
  /** 7: one service; 8: three instances on PostgreSQL behind a round robin. */
  burst: BurstOptions;
  instances: BurstOptions;
}

/** Issue 15: 200 simultaneous calls, Cal.com answering after 600 ms and sending its webhook 800 ms later. */
const burst = (rounds: number): BurstOptions => ({ size: 200, rounds, warm: 20, answerAfterMs: 600, webhookAfterMs: 800 });

const plans: Record<'quick' | 'full', Plan> = {
  quick: {
    appends: { writers: [1, 8, 32], slices: 2, sliceSeconds: 0.3 },
    bookings: { postgres: 20_000, pglite: 10_000 },
    http: { seconds: 2, warmSeconds: 0.5, bookConnections: 50, webhookConnections: 20, pacedRate: 50 },
    timeline: { seconds: 1.5 },
    burst: burst(1),
    instances: burst(1),
  },
  full: {
    appends: { writers: [1, 8, 32], slices: 6, sliceSeconds: 1 },
    bookings: { postgres: 200_000, pglite: 200_000 },
    http: { seconds: 10, warmSeconds: 2, bookConnections: 50, webhookConnections: 20, pacedRate: 50 },
    timeline: { seconds: 5 },
    burst: burst(3),
    instances: burst(3),
  },
};

const flag = (name: string) => process.argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const parts = ['appends', 'rebuild', 'http', 'burst', 'instances'] as const;
type Part = (typeof parts)[number];

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** 2 + 5: seed a history, rebuild it against the bulk baseline, then query timelines in it. */
const rebuildAndTimeline = async (store: Store, plan: Plan, build: Build): Promise<ResultRow[]> => {
  const bookings = plan.bookings[store];
  const events = bookings * EVENTS_PER_BOOKING;
  const bench = store === 'postgres' ? await freshPostgres(10) : await freshPglite();
  try {
    const eventStore = await createPostgresEventStore(bench.db);
    const started = Date.now();
    await seedBookings(bench.db, bookings, { onProgress: (done) => done % 100_000 === 0 && log(`seeding ${storeLabel(store)}: ${fmt(done * EVENTS_PER_BOOKING)} events`) });
    const waited = await waitUntilVisible(eventStore, bench.db);
    log(`seeded ${fmt(events)} events on ${storeLabel(store)} in ${fmt((Date.now() - started) / 1000, 1)} s${waited > 500 ? ` (waited ${fmt(waited / 1000, 1)} s for a transaction held open elsewhere)` : ''}`);
    const rows = await benchRebuild(store, bench.db, eventStore, events, log);
    await eventStore.close();
    if (store === 'pglite') await bench.db.close(); // the service process opens the directory next
    return [...rows, ...(await benchTimeline(store, build, { schema: bench.schema, dataDir: bench.dataDir }, bookings, events, plan.timeline, log))];
  } finally {
    await bench.dispose();
  }
};

const main = async () => {
  const mode = flag('quick') ? 'quick' : 'full';
  const plan = plans[mode];
  const stores = (option('stores') ?? (process.env.DATABASE_URL ? 'postgres,pglite' : 'pglite')).split(',') as Store[];
  const only = (option('only')?.split(',') ?? parts) as Part[];
  const started = Date.now();
  const machine = await describeMachine(stores.includes('postgres') ? process.env.DATABASE_URL : undefined);
  for (const line of machine) log(line);

  const t = Date.now();
  const build = only.some((p) => p !== 'appends') ? buildForBench() : undefined;
  if (build) log(`compiled the service in ${fmt((Date.now() - t) / 1000, 1)} s`);
  const rows: ResultRow[] = [];
  try {
    const part = async (name: Part, store: Store, work: () => Promise<ResultRow[]>) => {
      if (!only.includes(name)) return;
      const t = Date.now();
      rows.push(...(await work()));
      log(`${name} on ${storeLabel(store)} took ${fmt((Date.now() - t) / 1000, 1)} s`);
    };
    for (const store of stores) {
      await part('appends', store, () => benchAppends(store, plan.appends, log));
      await part('rebuild', store, () => rebuildAndTimeline(store, plan, build!));
      await part('http', store, () => benchHttp(store, build!, plan.http, log));
      await part('burst', store, () => benchBurst(store, build!, plan.burst, log));
      // Several instances share one PostgreSQL; PGlite serves one process.
      if (store === 'postgres') await part('instances', store, () => benchInstances(build!, plan.instances, log));
    }
  } finally {
    build?.dispose();
  }
  const section = (r: ResultRow) => r.metric.split('.')[0]!.padStart(2, '0');
  const order = (r: ResultRow) => `${section(r)}${r.store}${section(r) === '06' ? r.metric : ''}`;
  rows.sort((a, b) => order(a).localeCompare(order(b)));

  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${textTable(rows)}\n\n${mode} run, ${fmt(seconds)} s\n`);
  const missed = rows.filter((r) => r.met === false);
  if (flag('no-write')) return;
  const file = path.resolve(option('out') ?? path.join(__dirname, '..', 'BENCHMARKS.md'));
  writeResults(
    file,
    [
      `Generated by \`npm run bench${mode === 'quick' ? ':quick' : ''}\` on ${new Date().toISOString()} (${mode} mode, ${fmt(seconds)} s, host ${os.hostname()}).`,
      '',
      ...machine.map((line) => `- ${line}`),
      `- load average at the end (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} (other processes on the machine share its cores)`,
      '',
      markdownTable(rows),
      '',
      missed.length === 0 ? 'Every target was met in this run.' : `Targets missed in this run: ${missed.map((r) => `${r.metric} (${r.store})`).join('; ')}. See "What limits it" below.`,
    ].join('\n'),
  );
  log(`wrote ${file}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
