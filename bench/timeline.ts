/**
 * 5. The incident timeline of one call (GET /incidents/timeline?call_id=…, JSON) with every seeded event
 *    stored, one request after another, against a process that runs the same indexed query on
 *    bl_events by call_id and returns the rows as JSON.
 * 6. Peak RSS of the service during 5.
 */
import { ADMIN_TOKEN, childDb, serviceEnv } from './http';
import { startBaselineProcess, startServiceProcess, type Build, type Child } from './support/children';
import { runPaced, type LoadRequest, type LoadResult } from './support/load';
import { startLocalCalcom } from './support/localCalcom';
import { figure, rssTarget, type ResultRow } from './support/report';
import { benchCallId } from './support/seed';
import { storeLabel, type Store } from './support/benchDb';
import { fmt } from './support/stats';

export interface TimelineOptions {
  seconds: number;
}

const requests = (bookings: number) => {
  let n = 0;
  return (): LoadRequest => {
    n += 1;
    // A different call every time, spread over the whole history (multiplicative hash of n).
    const call = benchCallId((n * 2654435761) % bookings);
    return { method: 'GET', path: `/incidents/timeline?call_id=${call}`, headers: { accept: 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` } };
  };
};

const measure = async (child: Child, bookings: number, seconds: number): Promise<{ load: LoadResult; peakMiB: number }> => {
  await runPaced({ url: child.url, callers: 1, rate: 10_000, seconds: 0.5, next: requests(bookings) }); // warm
  child.probe.start();
  const load = await runPaced({ url: child.url, callers: 1, rate: 10_000, seconds, next: requests(bookings) });
  const { peakMiB } = child.probe.stop();
  if (load.non2xx + load.errors > 0) throw new Error(`${load.non2xx + load.errors} failed timeline requests against ${child.url}`);
  return { load, peakMiB };
};

/** On the database the rebuild benchmark seeded (`bookings` calls); PGlite's directory must be closed by then. */
export const benchTimeline = async (
  store: Store,
  build: Build,
  seeded: { schema?: string; dataDir?: string },
  bookings: number,
  events: number,
  options: TimelineOptions,
  log: (line: string) => void,
): Promise<ResultRow[]> => {
  const calcom = await startLocalCalcom();
  const db = await childDb(store, seeded);
  const env = { ...serviceEnv(calcom.url), ...db.env };
  try {
    // One process at a time: a PGlite directory has a single owner.
    const service = await startServiceProcess(build, env);
    const ours = await measure(service, bookings, options.seconds).finally(() => service.stop());
    const baseline = await startBaselineProcess(build, env);
    const base = await measure(baseline, bookings, options.seconds).finally(() => baseline.stop());

    const label = storeLabel(store);
    const k = fmt(events);
    log(`timeline ${label}, ${k} events: service p50 ${fmt(ours.load.p50, 2)} / p99 ${fmt(ours.load.p99, 2)} ms (${fmt(ours.load.requests)} requests, ${fmt(ours.peakMiB)} MiB); raw query p50 ${fmt(base.load.p50, 2)} / p99 ${fmt(base.load.p99, 2)} ms`);
    const late = { digits: 2, compare: 'difference' } as const;
    return [
      figure(`5. timeline of one call, ${k} events stored: p50 (ms)`, label, ours.load.p50, base.load.p50, 'raw query', late),
      figure(`5. timeline of one call, ${k} events stored: p99 (ms)`, label, ours.load.p99, base.load.p99, 'raw query', { ...late, target: '< 20 ms', met: ours.load.p99 < 20 }),
      figure('6. peak RSS of the service during 5 (MiB)', label, ours.peakMiB, base.peakMiB, 'baseline process', rssTarget(store, ours.peakMiB)),
    ];
  } finally {
    await calcom.close();
    await db.dispose();
  }
};
