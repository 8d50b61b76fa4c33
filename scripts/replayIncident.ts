/**
 * Replays the incident of 2025-10-06 (calls 687 and 688) through the real service into an event store,
 * so the CLI and the timeline page can be tried on it (docs/incident-replay.md).
 *   npm run replay:incident                         # into pglite://./data/incident-demo
 *   EVENT_STORE_URL=postgres://… npm run replay:incident
 * Cal.com is a local stand-in that behaves as it did that day: it creates 687's booking (and sends its
 * BOOKING_CREATED webhook), then answers 688's request for the same slot with 687's existing booking.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { calcomSignature, retellSignature } from '../bench/support/signing';
import { loadConfig } from '../src/adapters/config/config';
import { startService } from '../src/adapters/service';
import { calcomBooking687, call687, call688 } from '../test/fixtures/incident';

const RETELL_KEY = 'incident-replay-retell-key';
const WEBHOOK_SECRET = 'incident-replay-webhook-secret';

const post = async (url: string, body: unknown, headers: Record<string, string>) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
};

const main = async () => {
  const eventStoreUrl = process.env.EVENT_STORE_URL ?? 'pglite://./data/incident-demo';
  let now = new Date(call687.at);
  let serviceUrl = '';
  let created: typeof calcomBooking687 | undefined;

  const calcom = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v2/bookings') {
        const request = JSON.parse(raw) as { metadata: Record<string, string>; attendee: Record<string, string> };
        if (!created) {
          created = { ...calcomBooking687, metadata: request.metadata, attendees: [{ ...calcomBooking687.attendees[0]!, name: request.attendee.name! }] };
          const webhook = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', createdAt: '2025-10-06T09:05:21.500Z', payload: { uid: created.uid, bookingId: created.id, startTime: created.start, metadata: created.metadata, attendees: created.attendees } });
          await fetch(`${serviceUrl}/webhooks/calcom`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-cal-signature-256': calcomSignature(webhook, WEBHOOK_SECRET) }, body: webhook });
          res.statusCode = 201;
        }
        return void res.end(JSON.stringify({ status: 'success', data: created })); // 688 gets 687's booking back
      }
      res.end('{"status":"success","data":{}}');
    });
  });
  await new Promise<void>((resolve) => calcom.listen(0, '127.0.0.1', resolve));

  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    PORT: '0',
    EVENT_STORE_URL: eventStoreUrl,
    CALCOM_API_URL: `http://127.0.0.1:${(calcom.address() as AddressInfo).port}/v2`,
    CALCOM_EVENT_TYPE_ID: '2563193',
    RETELL_API_KEY: RETELL_KEY,
    CALCOM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CONFIRMATION_WAIT_MS: '1500',
    LOG_LEVEL: 'silent',
  });
  const service = await startService({ config, logger: pino({ level: 'silent' }), now: () => now });
  serviceUrl = service.url;
  const book = (call: typeof call687) => {
    const body = { name: 'book_appointment', call: { call_id: call.callId }, args: { datum: '10.10.2025', uhrzeit: '08:00', name: call.name, dienstleistung: 'Beratung' } };
    return post(`${service.url}/retell/functions/book_appointment`, body, { 'x-retell-signature': retellSignature(JSON.stringify(body), RETELL_KEY) });
  };

  const answer687 = await book(call687);
  await new Promise((r) => setTimeout(r, 1000));
  const between = new Date();
  await new Promise((r) => setTimeout(r, 1000));
  now = new Date(call688.at);
  const answer688 = await book(call688);
  await service.stop();
  await new Promise((resolve) => calcom.close(resolve));

  process.stdout.write(
    [
      `Replayed into ${eventStoreUrl}`,
      `  call 687 (${call687.callId}) was told: ${answer687.status} — ${answer687.message}`,
      `  call 688 (${call688.callId}) was told: ${answer688.status} — ${answer688.message}`,
      `Recorded time between the two calls (for --as-of): ${between.toISOString()}`,
      '',
      'Try:',
      `  EVENT_STORE_URL=${eventStoreUrl} npx booking-ledger timeline --booking-uid ${calcomBooking687.uid}`,
      `  EVENT_STORE_URL=${eventStoreUrl} npx booking-ledger timeline --booking-uid ${calcomBooking687.uid} --as-of ${between.toISOString()}`,
      `  EVENT_STORE_URL=${eventStoreUrl} npx booking-ledger duplicates`,
      '',
    ].join('\n'),
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
