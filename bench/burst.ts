/**
 * 7. A burst: 200 simultaneous `book_appointment` calls, each for a call of its own, against a Cal.com
 *    stand-in that answers each create after 600 ms and sends its signed BOOKING_CREATED 800 ms later;
 *    the service answers once that webhook confirmed the booking (or its wait ran out).
 * The floor, measured in the same run against the same stand-in: the baseline process (bench/support/
 * baselineProcess.ts) as a pass-through proxy that POSTs the create, then waits until Cal.com's webhook
 * for that booking has reached it (HMAC checked, one INSERT) before answering. So the floor is what
 * Cal.com itself takes (600 + 800 ms, on this machine's timers) plus a proxy's overhead at the same burst;
 * the difference is what the service adds. The service's rate limiter is set so it never refuses
 * (serviceEnv: 10^8 a minute, bursts of 10^7), but it still runs: a row-locked transaction per create.
 */
import { childDb, serviceEnv } from './http';
import { postgresUrl, storeLabel, type Store } from './support/benchDb';
import { describeBurst, burstFigures, burstRows } from './support/burstFigures';
import { runBurstRounds, startBurstCalcom, type BurstOptions } from './support/burstRound';
import { describeWarnings, startBaselineProcess, startServiceProcess, type Build } from './support/children';
import { cpuWatch, watchAll } from './support/cpuWatch';
import { describeMachineCpu, machineCpuWatch } from './support/machineCpu';
import { describeActivity, startPgSampler } from './support/pgSampler';
import type { ResultRow } from './support/report';
import { fmt } from './support/stats';

/** How long a waiting book_appointment may wait for its webhook: far above 600 + 800 ms, below Retell's patience. */
export const BURST_WAIT_MS = 8000;

/**
 * The service for a burst: the production settings of the http bench, but waiting for the webhook.
 * The slow poll is set above the wait, so an answer before the deadline was woken by the append that
 * confirmed it (an answer that was not woken comes at the deadline).
 */
export const burstServiceEnv = (calcomUrl: string): Record<string, string> => ({
  ...serviceEnv(calcomUrl),
  CONFIRMATION_WAIT_MS: String(BURST_WAIT_MS),
  CONFIRMATION_POLL_MS: String(60_000),
});

/** The floor: the proxy baseline, answering once the booking's webhook reached it. */
export const floorEnv = (calcomUrl: string): Record<string, string> => ({ ...serviceEnv(calcomUrl), BENCH_AWAIT_WEBHOOK_MS: String(BURST_WAIT_MS) });

/** The p99 allowance over the floor (issue 15). */
export const burstAllowanceMs = (store: Store) => (store === 'postgres' ? 150 : 400);

export const benchBurst = async (store: Store, build: Build, options: BurstOptions, log: (line: string) => void): Promise<ResultRow[]> => {
  const label = storeLabel(store);
  const calcom = await startBurstCalcom(options);
  const dbs = [await childDb(store), await childDb(store)];
  const service = await startServiceProcess(build, { ...burstServiceEnv(calcom.url), ...dbs[0]!.env });
  const baseline = await startBaselineProcess(build, { ...floorEnv(calcom.url), ...dbs[1]!.env });
  const sampler = store === 'postgres' ? await startPgSampler({ url: postgresUrl(), pids: [service.pid] }) : undefined;
  try {
    const cpu = cpuWatch([service]);
    const machine = machineCpuWatch();
    const runs = await runBurstRounds(
      calcom,
      { floor: { url: baseline.url, webhookUrl: `${baseline.url}/webhooks/calcom` }, ours: { url: service.url, webhookUrl: `${service.url}/webhooks/calcom` } },
      options,
      'b',
      watchAll(cpu.watch, machine.watch, ...(sampler ? [sampler] : [])),
    );
    const activity = await sampler?.finish();
    runs.floor.forEach((run, i) => log(describeBurst(`burst ${label}, round ${i + 1}, floor`, burstFigures(run), 'floor')));
    runs.ours.forEach((run, i) => log(describeBurst(`burst ${label}, round ${i + 1}, service`, burstFigures(run), 'service')));
    const { cpuSeconds, wallSeconds } = cpu.used();
    log(`burst ${label}: the service used ${fmt(cpuSeconds, 2)} s of CPU in ${fmt(wallSeconds, 2)} s of its bursts (${fmt((cpuSeconds * 1000) / (options.size * options.rounds), 1)} ms a booking); ${describeMachineCpu(machine.used())}`);
    if (activity) log(`burst ${label}: ${describeActivity(activity)}`);
    log(`burst ${label}: ${describeWarnings(service.takeWarnings())}`);
    return burstRows(`7. burst of ${options.size} book_appointment at once`, label, runs.floor, runs.ours, burstAllowanceMs(store), options.size);
  } finally {
    await sampler?.finish().catch(() => undefined);
    await Promise.allSettled([service.stop(), baseline.stop()]);
    await calcom.close();
    for (const db of dbs) await db.dispose();
  }
};
