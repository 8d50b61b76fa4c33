/**
 * Where the service spends CPU per booking and per webhook (issue 15, item 2), on PostgreSQL:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/diagnose/cpuProfile.ts \
 *     [--bookings 2000] [--callers 20] [--warm 200] [--webhook-after 0] [--profile /tmp/prof] [--perf /tmp/perf] [--build <dir>]
 *     [--env KEY=VALUE …]
 *
 * Starts `booking-ledger serve` compiled (as bench/support/children.ts does: NODE_ENV=production,
 * LOG_LEVEL=warn, pool of 10, a schema of its own) with `--require bench/diagnose/pgQueryCounter.cjs`
 * (counts the statements the pg driver sends) and, with --profile, `--cpu-prof --cpu-prof-dir=<dir>`.
 * Cal.com is the zero-latency stand-in (bench/support/localCalcom.ts). Two service processes:
 *
 *   split: CONFIRMATION_WAIT_MS=0 (as bench/http.ts measures item 3). Phase "book": `--bookings`
 *          book_appointment from `--callers` closed-loop callers, no webhooks. Phase "webhook": the signed
 *          BOOKING_CREATED of each of those bookings, first deliveries, from `--callers` senders.
 *   full:  CONFIRMATION_WAIT_MS=8000, CONFIRMATION_POLL_MS=60000 (as bench/burst.ts): the stand-in sends
 *          the BOOKING_CREATED as soon as it answered the create, and the request answers "confirmed" once
 *          the webhook's append woke it. One booking = create + webhook + the wait.
 *
 * Each phase (after `--warm` unmeasured requests) runs until the last answer and then until the service
 * is idle again (its projection caught up: less than 20 ms of CPU in 500 ms), and reports the process CPU
 * (utime + stime from /proc/<pid>/stat) and the statements per request. The phase windows (monotonic µs,
 * the clock the .cpuprofile uses) go to <profile dir>/windows.json for bench/diagnose/analyseProfile.ts.
 * --build reuses a build made by buildForBench's command (tsc -p bench/tsconfig.build.json --outDir <dir>,
 * plus serve.js); without it the working tree is compiled to a temporary directory.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { childDb, serviceEnv } from '../http';
import { bookRequest } from '../support/bookRequest';
import { procStat } from '../support/procStat';
import { bookingCreatedBody, calcomWebhookSender } from '../support/calcomWebhooks';
import { buildForBench, startServiceProcess, type Build, type Child } from '../support/children';
import type { LoadRequest } from '../support/load';
import { startLocalCalcom, type CreatedBooking } from '../support/localCalcom';
import { calcomSignature } from '../support/signing';
import { WEBHOOK_SECRET } from '../support/startBenchService';
import { fmt, quantile, sleep } from '../support/stats';
import { arg, envArgs } from './args';

const BOOKINGS = Number(arg('bookings', '2000'));
const CALLERS = Number(arg('callers', '20'));
const WARM = Number(arg('warm', '200'));
const PROFILE = arg('profile');
const BUILD = arg('build');
const COUNTER = path.join(__dirname, 'pgQueryCounter.cjs');
/** --perf <dir>: also `perf record -e cpu-clock -g` the service during each phase (on-CPU samples only, kernel included); node gets --perf-basic-prof. */
const PERF = arg('perf');
/** --env KEY=VALUE (repeatable): more settings for the service, e.g. --env LOG_LEVEL=info (the bench runs warn). */
const EXTRA_ENV = envArgs();
/** --webhook-after MS: the stand-in sends each BOOKING_CREATED this long after answering the create (default 0: at once; bench 7 waits 800). */
const WEBHOOK_AFTER_MS = Number(arg('webhook-after', '0'));

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** utime, stime of a process in seconds (1/100 s ticks). */
const cpuOf = (pid: number) => {
  const { user, system } = procStat(pid);
  return { user, system };
};

type Counts = { checkouts: number; transactions: number; statements: Record<string, number> };
const countsOf = (port: number) =>
  new Promise<Counts>((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/`, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(JSON.parse(text) as Counts));
    }).on('error', reject);
  });
const diffCounts = (a: Counts, b: Counts): Counts => ({
  checkouts: b.checkouts - a.checkouts,
  transactions: b.transactions - a.transactions,
  statements: Object.fromEntries(Object.entries(b.statements).map(([k, v]) => [k, v - (a.statements[k] ?? 0)] as const).filter(([, v]) => v > 0)),
});

/** Waits until the process used under 20 ms of CPU in 500 ms (the projection and the appends settled). */
const untilIdle = async (pid: number) => {
  for (let i = 0; i < 120; i += 1) {
    const a = cpuOf(pid);
    await sleep(500);
    const b = cpuOf(pid);
    if (b.user + b.system - a.user - a.system < 0.02) return;
  }
};

/** A statement for the report: SELECT <columns> FROM … keeps what it reads from and how. */
const shortSql = (text: string) => {
  const from = / FROM /i.exec(text);
  const shown = text.startsWith('SELECT') && from && from.index > 60 ? `SELECT ${text.slice(7, 40)}… ${text.slice(from.index + 1)}` : text;
  return shown.length > 170 ? `${shown.slice(0, 170)}…` : shown;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const send = (url: string, request: LoadRequest) =>
  new Promise<{ http: number; status?: string; ms: number }>((resolve) => {
    const t = performance.now();
    const req = http.request(new URL(request.path, url), { method: request.method, agent, headers: request.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => {
        let status: string | undefined;
        try {
          status = (JSON.parse(text) as { status?: string }).status;
        } catch {
          status = undefined;
        }
        resolve({ http: res.statusCode ?? 0, status, ms: performance.now() - t });
      });
    });
    req.on('error', () => resolve({ http: 0, ms: performance.now() - t })).end(request.body);
  });

/** `callers` closed-loop callers sending requests 0..count-1. */
const closedLoop = async (url: string, count: number, callers: number, next: (i: number) => LoadRequest) => {
  let i = 0;
  const answers: Array<{ http: number; status?: string; ms: number }> = [];
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (i < count) {
        const n = i;
        i += 1;
        answers.push(await send(url, next(n)));
      }
    }),
  );
  return answers;
};

const webhookRequest = (b: CreatedBooking): LoadRequest => {
  const body = bookingCreatedBody(b, new Date());
  return { method: 'POST', path: '/webhooks/calcom', body, headers: { 'content-type': 'application/json', 'x-cal-signature-256': calcomSignature(body, WEBHOOK_SECRET) } };
};

interface Window {
  process: string;
  phase: string;
  requests: number;
  startMicros: number;
  endMicros: number;
}
const windows: Window[] = [];
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

/** One measured phase: requests, then idle; CPU and statements per request. */
const measure = async (child: Child, processName: string, phase: string, counterPort: number, run: () => Promise<Array<{ http: number; status?: string; ms: number }>>) => {
  await untilIdle(child.pid);
  const cpu0 = cpuOf(child.pid);
  const counts0 = await countsOf(counterPort);
  const perf = PERF
    ? spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', '997', '-g', '-p', String(child.pid), '-o', path.join(PERF, `${processName}-${phase.replace(/\W/g, '_')}.perf.data`)], { stdio: 'inherit' })
    : undefined;
  if (perf) await sleep(300);
  const startMicros = monotonicMicros();
  const wallStart = performance.now();
  const answers = await run();
  const wallAnswered = performance.now();
  await untilIdle(child.pid);
  const endMicros = monotonicMicros();
  const cpu1 = cpuOf(child.pid);
  const counts = diffCounts(counts0, await countsOf(counterPort));
  if (perf) {
    const exited = new Promise((resolve) => perf.once('exit', resolve));
    perf.kill('SIGINT');
    await exited;
  }
  const n = answers.length;
  windows.push({ process: processName, phase, requests: n, startMicros, endMicros });
  const user = cpu1.user - cpu0.user;
  const system = cpu1.system - cpu0.system;
  const statuses: Record<string, number> = {};
  for (const a of answers) statuses[`${a.http} ${a.status ?? ''}`.trim()] = (statuses[`${a.http} ${a.status ?? ''}`.trim()] ?? 0) + 1;
  const total = Object.values(counts.statements).reduce((s, v) => s + v, 0);
  const begins = counts.statements.BEGIN ?? 0;
  say(
    `${processName}/${phase} (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}): ${n} requests by ${CALLERS} callers in ${fmt((wallAnswered - wallStart) / 1000, 2)} s (${fmt(n / ((wallAnswered - wallStart) / 1000))}/s; p50 ${fmt(quantile(answers.map((a) => a.ms), 0.5), 1)} / p99 ${fmt(quantile(answers.map((a) => a.ms), 0.99), 1)} ms), idle again after ${fmt((endMicros - startMicros) / 1e6, 2)} s; answers ${JSON.stringify(statuses)}`,
  );
  say(`  CPU ${fmt((user + system) * 1000 / n, 2)} ms per request (user ${fmt((user * 1000) / n, 2)}, system ${fmt((system * 1000) / n, 2)}); ${fmt(user + system, 2)} s in all`);
  say(`  statements ${fmt(total / n, 2)} per request (${total}), in ${fmt(counts.transactions / n, 2)} transactions (BEGIN…COMMIT blocks ${fmt(begins / n, 2)}, the rest single statements); pool checkouts ${fmt(counts.checkouts / n, 2)}`);
  for (const [text, count] of Object.entries(counts.statements).sort((a, b) => b[1] - a[1])) say(`    ${fmt(count / n, 2).padStart(6)}  ${shortSql(text)}`);
};

const main = async () => {
  if (PERF) mkdirSync(PERF, { recursive: true });
  if (PROFILE) {
    mkdirSync(PROFILE, { recursive: true });
    process.env.BENCH_PROFILE = PROFILE;
  }
  const build: Build = BUILD ? { dir: BUILD, dispose: () => undefined } : buildForBench();
  if (!existsSync(path.join(build.dir, 'serve.js'))) writeFileSync(path.join(build.dir, 'serve.js'), "require('./src/adapters/cli/main.js').main(process.argv);\n");
  const webhooks = calcomWebhookSender({ secret: WEBHOOK_SECRET, afterMs: WEBHOOK_AFTER_MS });
  const calcom = await startLocalCalcom({ onAnswered: webhooks.later });
  try {
    for (const processName of ['split', 'full'] as const) {
      const db = await childDb('postgres');
      const counterPort = 20_000 + Math.floor(Math.random() * 20_000);
      const wait: Record<string, string> = processName === 'full' ? { CONFIRMATION_WAIT_MS: '8000', CONFIRMATION_POLL_MS: '60000' } : {};
      const child = await startServiceProcess(build, { ...serviceEnv(calcom.url), ...wait, ...EXTRA_ENV, ...db.env, PG_COUNTER_PORT: String(counterPort), NODE_OPTIONS: `--require ${COUNTER}${PERF ? ' --perf-basic-prof --interpreted-frames-native-stack' : ''}` });
      try {
        const prefix = `${processName}${Date.now().toString(36)}`;
        if (processName === 'split') {
          webhooks.setTarget(undefined);
          await closedLoop(child.url, WARM, CALLERS, (i) => bookRequest(`${prefix}w`, i + 1));
          await sleep(300);
          const warmed = calcom.created.filter((b) => b.metadata.call_id?.startsWith(`call_${prefix}w_`));
          await closedLoop(child.url, warmed.length, CALLERS, (i) => webhookRequest(warmed[i]!));
          await measure(child, processName, 'book', counterPort, () => closedLoop(child.url, BOOKINGS, CALLERS, (i) => bookRequest(`${prefix}m`, i + 1)));
          const made = calcom.created.filter((b) => b.metadata.call_id?.startsWith(`call_${prefix}m_`));
          await measure(child, processName, 'webhook', counterPort, () => closedLoop(child.url, made.length, CALLERS, (i) => webhookRequest(made[i]!)));
        } else {
          webhooks.setTarget(`${child.url}/webhooks/calcom`);
          await closedLoop(child.url, WARM, CALLERS, (i) => bookRequest(`${prefix}w`, i + 1));
          await webhooks.idle();
          await measure(child, processName, 'book+webhook', counterPort, async () => {
            const answers = await closedLoop(child.url, BOOKINGS, CALLERS, (i) => bookRequest(`${prefix}m`, i + 1));
            await webhooks.idle();
            return answers;
          });
          webhooks.setTarget(undefined);
        }
      } finally {
        await child.stop();
        await db.dispose();
      }
    }
  } finally {
    webhooks.close();
    await calcom.close();
    agent.destroy();
    if (!BUILD) build.dispose();
  }
  const out = PROFILE ?? PERF;
  if (out) {
    writeFileSync(path.join(out, 'windows.json'), JSON.stringify(windows, null, 2));
    writeFileSync(path.join(out, 'summary.txt'), `${lines.join('\n')}\n`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
