/**
 * Speed and scale, every figure next to a baseline measured in the same run (a noisy machine still
 * gives a meaningful ratio). Prints one table and rewrites the generated block of BENCHMARKS.md.
 *   npm run bench                # full: 1,000,000 events per store, ~10 s load phases, 3 runs
 *   npm run bench:quick          # smaller history, short phases, 1 run (~3 min on 2 cores; --runs 3 for medians)
 *   npm run bench -- --stores postgres --only burst,instances --runs 1 --no-write
 * Every run repeats the selected parts; the table shows each figure's median over the runs with its
 * spread, the median baseline and the median of the per-run ratios, and the load average of each run.
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
import { machineCpuWatch } from './support/machineCpu';
import { acrossRuns, markdownTable, singleRun, textTable, writeResults, type ResultRow, type SummaryRow } from './support/report';
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

/**
 * Issue 15: 200 simultaneous calls, Cal.com answering after 600 ms and sending its webhook 800 ms later,
 * after two unmeasured bursts of 200 on each side (with a warm-up of 20 the first measured burst cost the
 * service 6.8–8.0 ms of CPU a booking against 4.2–4.7 ms warm: quick runs of 2026-12-03, 07:50–07:55).
 */
const burst = (rounds: number): BurstOptions => ({ size: 200, rounds, warm: 400, answerAfterMs: 600, webhookAfterMs: 800 });

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

/** Runs of every selected part, unless `--runs N` says otherwise. */
const defaultRuns: Record<'quick' | 'full', number> = { quick: 1, full: 3 };

/** What the block says about one run: how long, and how loaded the machine was. */
interface RunInfo {
  seconds: number;
  loadAtStart: number;
  loadAtEnd: number;
  busyShare: number;
}

const section = (r: ResultRow) => r.metric.split('.')[0]!.padStart(2, '0');
const order = (r: ResultRow) => `${section(r)}${r.store}${section(r) === '06' ? r.metric : ''}`;
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

/** One run: every selected part on every store, in the order of the table. */
const runOnce = async (stores: Store[], only: Part[], plan: Plan, build: Build | undefined): Promise<ResultRow[]> => {
  const rows: ResultRow[] = [];
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
  return rows.sort((a, b) => order(a).localeCompare(order(b)));
};

const main = async () => {
  const mode = flag('quick') ? 'quick' : 'full';
  const plan = plans[mode];
  const stores = (option('stores') ?? (process.env.DATABASE_URL ? 'postgres,pglite' : 'pglite')).split(',') as Store[];
  const only = (option('only')?.split(',') ?? parts) as Part[];
  const unknown = only.filter((p) => !parts.includes(p));
  if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: the parts are ${parts.join(', ')}`);
  const runs = Number(option('runs') ?? defaultRuns[mode]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${option('runs')}: a whole number from 1`);
  const started = Date.now();
  const machine = await describeMachine(stores.includes('postgres') ? process.env.DATABASE_URL : undefined);
  // A run without PostgreSQL says so in the block it writes: its table has no PostgreSQL rows at all.
  machine.push(`stores: ${stores.map(storeLabel).join(', ')}${stores.includes('postgres') ? '' : ' only (no PostgreSQL figures: DATABASE_URL is not set or --stores left it out)'}`);
  for (const line of machine) log(line);

  const t = Date.now();
  const build = only.some((p) => p !== 'appends') ? buildForBench() : undefined;
  if (build) log(`compiled the service in ${fmt((Date.now() - t) / 1000, 1)} s`);
  const results: ResultRow[][] = [];
  const infos: RunInfo[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      log(`run ${run} of ${runs} (${mode} mode), load average ${loadAverage()}`);
      const loadAtStart = os.loadavg()[0]!;
      const cpu = machineCpuWatch({ postgres: false });
      cpu.watch.start();
      const t = Date.now();
      const rows = await runOnce(stores, only, plan, build);
      cpu.watch.stop();
      infos.push({ seconds: (Date.now() - t) / 1000, loadAtStart, loadAtEnd: os.loadavg()[0]!, busyShare: cpu.used().busyShare });
      results.push(rows);
      log(`run ${run} of ${runs} took ${fmt(infos[run - 1]!.seconds)} s:\n${textTable(singleRun(rows))}`);
    }
  } finally {
    build?.dispose();
  }
  const rows = acrossRuns(results);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\n${textTable(rows, runs)}\n\n${mode} mode, ${runs} run${runs > 1 ? 's' : ''}, ${fmt(seconds)} s\n`);
  if (flag('no-write')) return;
  const missed = rows.filter((r) => r.runs > 0 && r.metIn * 2 <= r.runs);
  const sometimes = rows.filter((r) => r.runs > 0 && r.metIn * 2 > r.runs && r.metIn < r.runs);
  const named = (list: SummaryRow[]) => list.map((r) => `${r.metric} (${r.store}, met in ${r.metIn} of ${r.runs})`).join('; ');
  const extra = process.argv.slice(2).filter((a) => a !== '--quick' && a !== '--no-write');
  const command = `npm run bench${mode === 'quick' ? ':quick' : ''}${extra.length > 0 ? ` -- ${extra.join(' ')}` : ''}`;
  const file = path.resolve(option('out') ?? path.join(__dirname, '..', 'BENCHMARKS.md'));
  writeResults(
    file,
    [
      `Generated by \`${command}\` on ${new Date().toISOString()} (${mode} mode, ${runs} run${runs > 1 ? 's' : ''}, ${fmt(seconds)} s in all, host ${os.hostname()}).`,
      '',
      ...machine.map((line) => `- ${line}`),
      ...infos.map(
        (info, i) =>
          `- run ${i + 1}: ${fmt(info.seconds)} s; load average (1 min) ${info.loadAtStart.toFixed(2)} at its start, ${info.loadAtEnd.toFixed(2)} at its end; the cores ${(info.busyShare * 100).toFixed(0)} % busy during it`,
      ),
      `- load average at the end (1/5/15 min): ${loadAverage()} (other processes on the machine share its cores)`,
      '',
      markdownTable(rows, runs),
      '',
      runs > 1
        ? `Each value is the median of the ${runs} runs, with the lowest and the highest run in brackets; the baseline is the median of the baselines, each measured in the same run as its value, and the ratio (or difference) the median of the ${runs} per-run ratios (differences). "yes 2/3": the target was met in 2 of 3 runs (yes when met in more than half of them).`
        : 'One run: each value beside the baseline measured in the same run; `--runs N` gives medians with their spread.',
      '',
      missed.length === 0 ? 'Every target was met in most runs.' : `Targets missed: ${named(missed)}. See "What limits it" below.`,
      ...(sometimes.length > 0 ? ['', `Met in most runs but not all: ${named(sometimes)}.`] : []),
    ].join('\n'),
  );
  log(`wrote ${file}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
