/**
 * 8. Three service processes on one PostgreSQL schema behind a loopback round robin
 *    (bench/support/roundRobin.ts), the burst of 7: book_appointment calls and Cal.com's webhooks both go
 *    through the round robin, so a webhook lands on another instance than the request waiting for it two
 *    times in three; only PostgreSQL's NOTIFY can wake that request before its deadline (the slow poll is
 *    set above the wait, see burstServiceEnv). The reconciler and the resumer run every second here (in
 *    production every 60 / 15 s) so that their leases are contended during the run.
 * Every instance is warmed as the one service of 7 is (`options.warm` calls each, sent through the round robin).
 * The floor is the burst's: the proxy that waits for the webhook, behind a round robin of its own (one
 * backend), so it pays the same extra hop.
 * From the database, sampled every 25 ms during the bursts: which instances' connections held the
 * projection's leader lock (pg_locks) and who held the leases (bl_leases); after them, the read model.
 */
import { childDb } from './http';
import { burstServiceEnv, floorEnv, burstAllowanceMs, BURST_WAIT_MS } from './burst';
import { postgresUrl } from './support/benchDb';
import { burstFigures, burstRows, describeBurst, describeCounts } from './support/burstFigures';
import { runBurstRounds, startBurstCalcom, type BurstOptions } from './support/burstRound';
import { describeWarnings, startBaselineProcess, startServiceProcess, type Build, type Child } from './support/children';
import { cpuWatch, watchAll } from './support/cpuWatch';
import { describeMachineCpu, machineCpuWatch } from './support/machineCpu';
import { webhooksElsewhere } from './support/instanceRouting';
import { describeActivity, startPgSampler } from './support/pgSampler';
import { projectedBookings } from './support/readModelCheck';
import type { ResultRow } from './support/report';
import { startRoundRobin } from './support/roundRobin';
import { countBy, fmt } from './support/stats';

const INSTANCES = 3;

export const benchInstances = async (build: Build, options: BurstOptions, log: (line: string) => void): Promise<ResultRow[]> => {
  const store = 'PostgreSQL';
  const calcom = await startBurstCalcom(options);
  const shared = await childDb('postgres');
  const floorDb = await childDb('postgres');
  const services: Child[] = [];
  const env = { ...burstServiceEnv(calcom.url), ...shared.env, RECONCILE_INTERVAL_MS: '1000', RESUME_INTERVAL_MS: '1000' };
  let baseline: Child | undefined;
  try {
    for (let i = 0; i < INSTANCES; i += 1) services.push(await startServiceProcess(build, env));
    baseline = await startBaselineProcess(build, { ...floorEnv(calcom.url), ...floorDb.env });
    const balancer = await startRoundRobin(services.map((s) => s.url));
    const floorBalancer = await startRoundRobin([baseline.url]);
    const sampler = await startPgSampler({ url: postgresUrl(), pids: services.map((s) => s.pid), schema: shared.env.BENCH_SCHEMA });
    const cpu = cpuWatch(services);
    const machine = machineCpuWatch();
    try {
      const runs = await runBurstRounds(
        calcom,
        { floor: { url: floorBalancer.url, webhookUrl: `${floorBalancer.url}/webhooks/calcom` }, ours: { url: balancer.url, webhookUrl: `${balancer.url}/webhooks/calcom` } },
        // Each instance as warm as the one service of 7 (warm-ups go round robin too): with 400 in all, each
        // had 133 and the measured burst cost 1.05–1.35 s of CPU against 0.72–0.79 s with 1,200 (quick pairs, 2026-12-07).
        { ...options, warm: options.warm * INSTANCES },
        'i',
        watchAll(cpu.watch, machine.watch, sampler),
      );
      const activity = await sampler.finish();
      runs.floor.forEach((run, i) => log(describeBurst(`${INSTANCES} instances, round ${i + 1}, floor`, burstFigures(run), 'floor')));
      runs.ours.forEach((run, i) => log(describeBurst(`${INSTANCES} instances, round ${i + 1}, service`, burstFigures(run), 'service')));
      const { cpuSeconds, wallSeconds } = cpu.used();
      log(`${INSTANCES} instances: they used ${fmt(cpuSeconds, 2)} s of CPU together in ${fmt(wallSeconds, 2)} s of their bursts; ${describeMachineCpu(machine.used())}; ${describeActivity(activity)}`);

      const answers = runs.ours.flatMap((r) => r.answers);
      const calls = answers.map((a) => a.callId);
      const elsewhere = webhooksElsewhere(balancer.forwarded, new Set(calls));
      // A wait starts after Cal.com's answer reached the service, so one answered within BURST_WAIT_MS of Cal.com answering came before its deadline: woken.
      const calcomAnsweredAt = new Map(runs.ours.flatMap((r) => r.posts).map((p) => [p.metadata.call_id ?? '', p.answeredAt ?? Number.POSITIVE_INFINITY]));
      const woken = answers.filter((a) => elsewhere.has(a.callId) && a.status === 'confirmed' && a.answeredAt < (calcomAnsweredAt.get(a.callId) ?? 0) + BURST_WAIT_MS).length;
      const projected = await projectedBookings(shared, calls);
      const holders = ['reconciler', 'resumer'].map((name) => `${name} ${activity.leaseHolders.get(name)?.size ?? 0}`);
      const oneHolderEach = ['reconciler', 'resumer'].every((name) => activity.leaseHolders.get(name)?.size === 1);
      log(
        `${INSTANCES} instances: leader lock held in ${activity.samplesWithLeader} of ${activity.samples} samples, by instances ${activity.leaderInstances.join(', ') || 'none'}; ` +
          `${activity.samplesWithForeignLeader} samples saw another process on the database hold the same lock key; lease holders seen: ${holders.join(', ')}; ` +
          `read model: ${projected.rows} rows, ${projected.confirmed} confirmed (waited ${fmt(projected.waitedMs)} ms)`,
      );
      services.forEach((service, i) => log(`${INSTANCES} instances: ${describeWarnings(service.takeWarnings(), `instance ${i}`)}`));
      const failed = balancer.failures.map((f) => `${f.path.split('?')[0]} ${f.code}${f.reusedSocket ? ' on a reused keep-alive socket' : ''}`);
      if (failed.length > 0) log(`${INSTANCES} instances: the round robin answered 502 for ${describeCounts(countBy(failed))}`);
      const metric = `8. ${INSTANCES} instances, burst of ${options.size}`;
      return [
        ...burstRows(metric, store, runs.floor, runs.ours, burstAllowanceMs('postgres'), options.size),
        {
          metric: `${metric}: webhook on another instance than the waiting request`,
          store,
          text: { value: `${fmt(elsewhere.size)} of ${fmt(calls.length)}`, baseline: '—', ratio: woken === elsewhere.size ? `all woken before the ${fmt(BURST_WAIT_MS / 1000)} s deadline` : `${fmt(woken)} woken before the ${fmt(BURST_WAIT_MS / 1000)} s deadline` },
          target: 'all woken',
          met: elsewhere.size > 0 && woken === elsewhere.size,
        },
        {
          metric: `${metric}: projection leaders at once (pg_locks, sampled every 25 ms)`,
          store,
          text: { value: `at most ${activity.mostLeadersAtOnce} in ${fmt(activity.samples)} samples`, baseline: '—', ratio: `led by ${activity.leaderInstances.length} of ${INSTANCES} instances in turn` },
          target: '≤ 1',
          met: activity.mostLeadersAtOnce <= 1,
        },
        { metric: `${metric}: lease holders seen (bl_leases)`, store, text: { value: holders.join(', '), baseline: '—', ratio: '—' }, target: '1 each', met: oneHolderEach },
        {
          metric: `${metric}: bookings in the read model, confirmed`,
          store,
          text: { value: `${fmt(projected.confirmed)} of ${fmt(calls.length)}`, baseline: '—', ratio: projected.rows === calls.length ? 'one row each' : `${fmt(projected.rows)} rows` },
          target: 'all',
          met: projected.rows === calls.length && projected.confirmed === calls.length,
        },
      ];
    } finally {
      await sampler.finish().catch(() => undefined);
      await balancer.close();
      await floorBalancer.close();
    }
  } finally {
    await Promise.allSettled([...services.map((s) => s.stop()), baseline?.stop()]);
    await calcom.close();
    await shared.dispose();
    await floorDb.dispose();
  }
};
