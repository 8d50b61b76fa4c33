/**
 * What the service holds in memory on PGlite under the closed-loop booking load of bench 3 (issue 15, item 6):
 *
 *   npx tsx bench/diagnose/memoryProbe.ts [--seconds 10] [--connections 50] [--phase book|webhook] [--env KEY=VALUE …] [--node-options "…"]
 *
 * --phase webhook (bench 4): books for --seconds first (not measured), then measures signed BOOKING_CREATED
 * deliveries of those bookings from 20 senders for --seconds.
 *
 * Starts `booking-ledger serve` compiled (bench/support/children.ts), on a fresh PGlite directory, with the
 * zero-latency Cal.com stand-in; runs the load and samples, every 500 ms, the process's VmRSS and the
 * service's own /metrics (V8 heap spaces, external memory). At the sample with the highest RSS it also
 * reads /proc/<pid>/smaps: PGlite's WebAssembly memory is the anonymous mapping of its INITIAL_MEMORY
 * (128 MiB reserved) or larger; V8's heap lives in many mappings of at most 1 MiB (pages of 256 kB).
 */
import { readFileSync } from 'node:fs';
import { childDb, serviceEnv, webhookRequests, ADMIN_TOKEN } from '../http';
import { bookRequest } from '../support/bookRequest';
import { buildForBench, startServiceProcess, statusKiB } from '../support/children';
import { runLoad } from '../support/load';
import { startLocalCalcom } from '../support/localCalcom';
import { arg, envArgs } from './args';

const SECONDS = Number(arg('seconds', '10'));
const CONNECTIONS = Number(arg('connections', '50'));
const EXTRA_ENV = envArgs();
const NODE_OPTIONS = arg('node-options');
const PHASE = arg('phase', 'book');
if (PHASE !== 'book' && PHASE !== 'webhook') throw new Error(`--phase ${PHASE}: the phases are book and webhook`);

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

const rssOf = (pid: number) => statusKiB(pid, 'VmRSS') * 1024;

/** Resident bytes per kind of mapping: the biggest anonymous ones, V8-sized ones (≤ 1 MiB), the node binary, the rest. */
const smapsOf = (pid: number) => {
  const maps: { size: number; rss: number; name: string }[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) maps.push({ size: parseInt(head[2]!, 16) - parseInt(head[1]!, 16), rss: 0, name: head[3]! });
    else if (line.startsWith('Rss:')) maps[maps.length - 1]!.rss = Number(line.split(/\s+/)[1]) * 1024;
  }
  const sum = (list: typeof maps) => list.reduce((a, m) => a + m.rss, 0);
  const anonymous = maps.filter((m) => m.name === '' || m.name === '[heap]');
  return {
    small: sum(anonymous.filter((m) => m.size <= 1048576)),
    largest: anonymous.filter((m) => m.size > 1048576).sort((a, b) => b.rss - a.rss).slice(0, 8).map((m) => `${mib(m.rss)} of ${mib(m.size)}${m.name ? ` ${m.name}` : ''}`),
    files: sum(maps.filter((m) => m.name.startsWith('/'))),
  };
};

const metricsOf = async (url: string) => {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  const spaces = [...text.matchAll(/^nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\d+)/gm)].map((m) => `${m[1]} ${mib(Number(m[2]))}`);
  return {
    heapTotal: value(/^nodejs_heap_size_total_bytes (\d+)/m),
    heapUsed: value(/^nodejs_heap_size_used_bytes (\d+)/m),
    external: value(/^nodejs_external_memory_bytes (\d+)/m),
    spaces,
  };
};

const main = async () => {
  const build = buildForBench();
  const calcom = await startLocalCalcom();
  const db = await childDb('pglite');
  const env = { ...serviceEnv(calcom.url), ...db.env, ...EXTRA_ENV, ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}) };
  const service = await startServiceProcess(build, env);
  try {
    const idleMetrics = await metricsOf(service.url);
    const idle = { rss: rssOf(service.pid), ...idleMetrics };
    let peak = { rss: 0, metrics: idleMetrics, smaps: smapsOf(service.pid) };
    let n = 0;
    const sampler = setInterval(() => {
      const rss = rssOf(service.pid);
      if (rss <= peak.rss) return;
      const smaps = smapsOf(service.pid);
      void metricsOf(service.url).then((metrics) => (peak = { rss, metrics, smaps }), () => undefined);
    }, 500);
    const book = () => runLoad({ url: service.url, connections: CONNECTIONS, seconds: SECONDS, next: () => bookRequest('mem', n++) });
    if (PHASE === 'webhook') await book(); // the bookings whose webhooks are measured
    service.probe.start();
    const load = PHASE === 'webhook' ? await runLoad({ url: service.url, connections: 20, seconds: SECONDS, next: webhookRequests(calcom.created) }) : await book();
    clearInterval(sampler);
    const used = service.probe.stop();
    console.log(`load: ${load.requests} ${PHASE === 'webhook' ? 'deliveries' : 'bookings'} in ${SECONDS} s; service CPU ${((used.cpuSeconds * 1000) / load.requests).toFixed(2)} ms a request; peak RSS ${used.peakMiB.toFixed(0)} MiB (${used.how})`);
    console.log(`idle after start: RSS ${mib(idle.rss)} MiB; V8 heap ${mib(idle.heapTotal)} (used ${mib(idle.heapUsed)}), external ${mib(idle.external)}`);
    console.log(`peak: RSS ${mib(peak.rss)} MiB; V8 heap ${mib(peak.metrics.heapTotal)} (used ${mib(peak.metrics.heapUsed)}), external ${mib(peak.metrics.external)}`);
    console.log(`  V8 spaces (MiB): ${peak.metrics.spaces.join(', ')}`);
    if (process.argv.includes('--snapshot')) process.kill(service.pid, 'SIGUSR2'); // --heapsnapshot-signal: writes Heap.*.heapsnapshot (after a full GC)
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const after = { rss: rssOf(service.pid), ...(await metricsOf(service.url)) };
    console.log(`12 s after the load: RSS ${mib(after.rss)} MiB; V8 heap ${mib(after.heapTotal)} (used ${mib(after.heapUsed)}), external ${mib(after.external)}`);
    console.log(`  mappings: ≤ 1 MiB anonymous ${mib(peak.smaps.small)}, files ${mib(peak.smaps.files)}; largest anonymous: ${peak.smaps.largest.join('; ')}`);
  } finally {
    await service.stop();
    await calcom.close();
    await db.dispose();
    build.dispose();
  }
};

void main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
