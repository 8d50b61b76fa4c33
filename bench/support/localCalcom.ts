import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A zero-latency Cal.com stand-in on loopback for load and benchmark runs: creates bookings that
 * echo our metadata, answers slots and lookups. Counts the creates it saw.
 */
export const startLocalCalcom = async () => {
  let sequence = 0;
  const created: Array<{ uid: string; id: number; start: string; metadata: Record<string, string>; createdAt: string }> = [];
  const server = http.createServer((req, res) => {
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
        created.push(booking);
        res.statusCode = 201;
        return void res.end(JSON.stringify({ status: 'success', data: booking }));
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
