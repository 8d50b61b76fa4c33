import http from 'node:http';
import type { CreatedBooking } from './localCalcom';
import { calcomSignature } from './signing';

type Booking = Pick<CreatedBooking, 'uid' | 'id' | 'start' | 'metadata'>;

/** Cal.com's BOOKING_CREATED delivery (v2021-10-20 envelope) for a booking the stand-in created. */
export const bookingCreatedBody = (booking: Booking, createdAt: Date): string =>
  JSON.stringify({
    triggerEvent: 'BOOKING_CREATED',
    createdAt: createdAt.toISOString(),
    payload: { uid: booking.uid, bookingId: booking.id, startTime: booking.start, metadata: booking.metadata, status: 'ACCEPTED' },
  });

/** One webhook sent: for which call, when it left and when it was answered (performance.now()), with what status (0: a network error). */
export interface Delivery {
  callId: string;
  sentAt: number;
  answeredAt: number;
  status: number;
}

/**
 * Sends each booking's signed BOOKING_CREATED `afterMs` after Cal.com answered its create, to
 * `target` (set it before the bookings are made; a booking made while it is unset gets no webhook).
 */
export const calcomWebhookSender = (options: { secret: string; afterMs: number }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const deliveries: Delivery[] = [];
  const pending = new Set<Promise<void>>();
  let target: string | undefined;

  const send = async (url: string, booking: Booking) => {
    await new Promise((resolve) => setTimeout(resolve, options.afterMs));
    const body = bookingCreatedBody(booking, new Date());
    const sentAt = performance.now();
    const status = await new Promise<number>((resolve) => {
      const headers = { 'content-type': 'application/json', 'x-cal-signature-256': calcomSignature(body, options.secret) };
      const req = http.request(url, { method: 'POST', agent, headers }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
      req.on('error', () => resolve(0)).end(body);
    });
    deliveries.push({ callId: booking.metadata.call_id ?? '', sentAt, answeredAt: performance.now(), status });
  };

  return {
    deliveries,
    setTarget: (url: string | undefined) => (target = url),
    /** For LocalCalcomOptions.onAnswered. */
    later: (booking: Booking) => {
      if (!target) return;
      const done = send(target, booking);
      pending.add(done);
      void done.finally(() => pending.delete(done));
    },
    /** Resolves once every webhook due so far was sent and answered. */
    idle: async () => {
      while (pending.size > 0) await Promise.all(pending);
    },
    close: () => agent.destroy(),
  };
};
