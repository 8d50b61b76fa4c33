/**
 * The baselines the service is measured against, in a process of its own, on the same kind of database:
 * - POST /retell/functions/book_appointment: forwards the call as POST /v2/bookings to the same local
 *   Cal.com and returns its answer. No event store, no verification, no decider.
 * - POST /webhooks/calcom: checks the HMAC and INSERTs the raw body (one row, one transaction, same
 *   durability), then answers 200.
 * - GET /incidents/timeline?call_id=…: the indexed query on bl_events by call_id, rows as JSON.
 * With BENCH_AWAIT_WEBHOOK_MS=N (the burst's floor) book_appointment answers only once Cal.com's webhook
 * for the booking it created has been recorded as above (at most N ms, then 504): what Cal.com itself takes.
 * Environment: BENCH_STORE=postgres BENCH_SCHEMA=… (with DATABASE_URL; a pool of 10 like the service's)
 * | BENCH_STORE=pglite BENCH_PGLITE_DIR=…, BENCH_CALCOM_URL and CALCOM_WEBHOOK_SECRET. Prints {"url"} once listening.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventColumns } from '../../src/adapters/eventStore/postgres/eventRow';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { openPgliteDatabase } from '../../src/adapters/sql/pgliteDatabase';

const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });

/** Waiters for the webhook of a Cal.com uid; a webhook that arrives before its waiter is remembered. */
const webhookWaiters = (timeoutMs: number) => {
  const waiting = new Map<string, () => void>();
  const arrived = new Set<string>();
  return {
    wait: (uid: string) =>
      new Promise<boolean>((resolve) => {
        if (arrived.delete(uid)) return resolve(true);
        const timer = setTimeout(() => (waiting.delete(uid), resolve(false)), timeoutMs);
        waiting.set(uid, () => (clearTimeout(timer), resolve(true)));
      }),
    arrived: (uid: string) => {
      const wake = waiting.get(uid);
      if (!wake) return void arrived.add(uid);
      waiting.delete(uid);
      wake();
    },
  };
};

const send = (res: http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};

const main = async () => {
  const env = process.env;
  const db = env.BENCH_STORE === 'postgres' ? await openPgDatabase(env.DATABASE_URL!, { schema: env.BENCH_SCHEMA }) : await openPgliteDatabase(env.BENCH_PGLITE_DIR);
  await db.query('CREATE TABLE IF NOT EXISTS bench_webhook_log (delivery_id text PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())');
  const calcom = new URL(`${env.BENCH_CALCOM_URL!}/bookings`);
  const agent = new http.Agent({ keepAlive: true });
  const awaitWebhookMs = Number(env.BENCH_AWAIT_WEBHOOK_MS ?? 0);
  const webhooks = awaitWebhookMs > 0 ? webhookWaiters(awaitWebhookMs) : undefined;

  const forward = (payload: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(calcom, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
      });
      req.on('error', reject).end(payload);
    });

  const book = async (raw: Buffer) => {
    const { call, args } = JSON.parse(raw.toString('utf8')) as { call: { call_id: string }; args: { date: string; time: string; name: string } };
    const answer = await forward(
      JSON.stringify({
        start: new Date(`${args.date}T${args.time}:00.000Z`).toISOString(),
        eventTypeId: 4242,
        attendee: { name: args.name, email: `call-${call.call_id}@example.invalid`, timeZone: 'Europe/Berlin' },
        metadata: { call_id: call.call_id, booking_ref: call.call_id },
      }),
    );
    if (!webhooks) return { status: 200, answer };
    const uid = (JSON.parse(answer) as { data?: { uid?: string } }).data?.uid;
    return { status: uid && (await webhooks.wait(uid)) ? 200 : 504, answer };
  };

  const record = async (raw: Buffer, signature: string | undefined) => {
    const expected = createHmac('sha256', process.env.CALCOM_WEBHOOK_SECRET!).update(raw).digest();
    if (!signature || !/^[0-9a-f]{64}$/i.test(signature) || !timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return undefined;
    const id = createHash('sha256').update(raw).digest('hex').slice(0, 40);
    await db.query('INSERT INTO bench_webhook_log (delivery_id, body) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING', [id, raw.toString('utf8')]);
    const uid = webhooks && (JSON.parse(raw.toString('utf8')) as { payload?: { uid?: string } }).payload?.uid;
    if (uid) webhooks!.arrived(uid);
    return id;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (req.method === 'POST' && url.pathname === '/retell/functions/book_appointment') {
          const { status, answer } = await book(await readBody(req));
          return send(res, status, answer);
        }
        if (req.method === 'POST' && url.pathname === '/webhooks/calcom') {
          const id = await record(await readBody(req), req.headers['x-cal-signature-256'] as string | undefined);
          return id ? send(res, 200, JSON.stringify({ delivery_id: id })) : send(res, 401, '{"error":"invalid_signature"}');
        }
        if (req.method === 'GET' && url.pathname === '/incidents/timeline') {
          const { rows } = await db.query(`SELECT ${eventColumns} FROM bl_events WHERE call_id = $1 ORDER BY global_position LIMIT 10001`, [url.searchParams.get('call_id')]);
          return send(res, rows.length > 0 ? 200 : 404, JSON.stringify(rows));
        }
        send(res, 404, '{"error":"not_found"}');
      } catch (error) {
        send(res, 500, JSON.stringify({ error: String(error) }));
      }
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);

  process.once('SIGTERM', () => {
    void (async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      process.exit(0);
    })();
  });
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
