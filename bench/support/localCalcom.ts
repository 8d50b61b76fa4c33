import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A booking the stand-in created, and when (performance.now() of this process) its POST arrived and was answered. */
export interface CreatedBooking {
  uid: string;
  id: number;
  start: string;
  metadata: Record<string, string>;
  createdAt: string;
  receivedAt: number;
  /** Until the answer is sent: undefined. */
  answeredAt?: number;
}

export interface LocalCalcomOptions {
  /** Answer each POST /v2/bookings this long after it arrived (default 0: at once), as Cal.com takes its time. */
  answerAfterMs?: number;
  /** Told once the answer to a create has been sent (e.g. to send its webhook later). */
  onAnswered?(booking: CreatedBooking): void;
}

/**
 * A Cal.com stand-in on loopback for load and benchmark runs: creates bookings that echo our metadata,
 * answers slots and lookups. Zero latency unless `answerAfterMs`. Counts the creates it saw.
 */
export const startLocalCalcom = async (options: LocalCalcomOptions = {}) => {
  let sequence = 0;
  const created: CreatedBooking[] = [];
  const server = http.createServer((req, res) => {
    const receivedAt = performance.now();
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v2/bookings') {
        const request = JSON.parse(body) as { start: string; metadata: Record<string, string>; attendee: Record<string, unknown>; eventTypeId: number };
        sequence += 1;
        const booking = {
          id: sequence,
          uid: `load${sequence.toString(36)}${Date.now().toString(36)}`,
          status: 'accepted',
          start: request.start,
          end: new Date(Date.parse(request.start) + 1_800_000).toISOString(),
          createdAt: new Date().toISOString(),
          eventTypeId: request.eventTypeId,
          metadata: request.metadata,
          attendees: [request.attendee],
        };
        const record: CreatedBooking = { uid: booking.uid, id: booking.id, start: booking.start, metadata: booking.metadata, createdAt: booking.createdAt, receivedAt };
        created.push(record);
        const answer = () => {
          res.statusCode = 201;
          res.end(JSON.stringify({ status: 'success', data: booking }));
          record.answeredAt = performance.now();
          options.onAnswered?.(record);
        };
        if (options.answerAfterMs) setTimeout(answer, Math.max(0, receivedAt + options.answerAfterMs - performance.now()));
        else answer();
        return;
      }
      if (req.method === 'GET' && req.url?.startsWith('/v2/slots')) return void res.end('{"status":"success","data":{}}');
      res.statusCode = 404;
      res.end('{"status":"error","error":{"code":"NotFound","message":"not found"}}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`,
    created,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
