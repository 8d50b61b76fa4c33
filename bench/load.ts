/**
 * Load on loopback: a mix of Retell function calls and Cal.com webhooks against the real service,
 * Cal.com replaced by a zero-latency local server. Bounded in time; stops by itself.
 *   npm run load                 # 60 s, 20 connections, PGlite
 *   npm run load -- --duration 10 --store postgres
 * Exits 1 on any 5xx, timeout, or acknowledged webhook that is not stored.
 */
import autocannon from 'autocannon';
import { BOOKABLE_DATE, calcomSignature, retellSignature } from './support/signing';
import { startLocalCalcom } from './support/localCalcom';
import { RETELL_KEY, WEBHOOK_SECRET, openBenchDatabase, startBenchService, type StoreKind } from './support/startBenchService';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};

const main = async () => {
  const duration = Number(arg('duration', '60'));
  const connections = Number(arg('connections', '20'));
  const store = arg('store', 'pglite') as StoreKind;
  const calcom = await startLocalCalcom();
  const db = await openBenchDatabase(store);
  const bench = await startBenchService(db, calcom.url);
  let call = 0;
  let webhooked = 0;
  let webhooksAcked = 0;
  const ackedIds = new Set<string>();

  const result = await autocannon({
    url: bench.service.url,
    connections,
    duration,
    timeout: 20,
    requests: [
      {
        method: 'POST',
        path: '/retell/functions/book_appointment',
        setupRequest: (req) => {
          call += 1;
          const minutes = (call % 96) * 15;
          const body = JSON.stringify({
            name: 'book_appointment',
            call: { call_id: `call_load_${process.pid}_${call}` },
            args: { date: BOOKABLE_DATE, time: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`, name: 'Load Caller' },
          });
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-retell-signature': retellSignature(body, RETELL_KEY) } };
        },
      },
      {
        method: 'POST',
        path: '/webhooks/calcom',
        setupRequest: (req) => {
          const booking = calcom.created[webhooked];
          if (booking) webhooked += 1;
          const payload = booking ?? { uid: `unknown${call}`, id: 0, start: new Date().toISOString(), metadata: {} };
          const body = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', createdAt: new Date().toISOString(), payload: { uid: payload.uid, bookingId: payload.id, startTime: payload.start, metadata: payload.metadata } });
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-cal-signature-256': calcomSignature(body, WEBHOOK_SECRET) } };
        },
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) {
            webhooksAcked += 1;
            ackedIds.add((JSON.parse(body) as { delivery_id: string }).delivery_id);
          }
        },
      },
    ],
  });

  await bench.stop();
  const { rows } = await db.query<{ n: number }>(`SELECT count(DISTINCT stream_id)::int AS n FROM bl_events WHERE stream_id = ANY($1::text[])`, [[...ackedIds].map((id) => `calcom-webhook-${id}`)]);
  const lost = ackedIds.size - rows[0]!.n;
  await db.close();
  await calcom.close();

  const table = [
    ['store', store],
    ['duration (s)', String(duration)],
    ['connections', String(connections)],
    ['requests', String(result.requests.total)],
    ['throughput (req/s)', result.requests.average.toFixed(1)],
    ['latency p50 (ms)', String(result.latency.p50)],
    ['latency p99 (ms)', String(result.latency.p99)],
    ['2xx', String(result['2xx'])],
    ['4xx', String(result['4xx'])],
    ['5xx', String(result['5xx'])],
    ['errors / timeouts', `${result.errors} / ${result.timeouts}`],
    ['Cal.com bookings created', String(calcom.created.length)],
    ['webhooks acknowledged', String(webhooksAcked)],
    ['acknowledged webhooks not stored', String(lost)],
  ];
  const width = Math.max(...table.map(([k]) => k!.length));
  process.stdout.write(`${table.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n')}\n`);
  const failed = result['5xx'] > 0 || result.errors > 0 || result.timeouts > 0 || lost !== 0 || result['4xx'] > 0;
  process.stdout.write(failed ? 'LOAD FAILED: 5xx, 4xx, errors, timeouts or lost deliveries above\n' : 'load ok: zero 5xx, zero lost deliveries\n');
  process.exit(failed ? 1 : 0);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
