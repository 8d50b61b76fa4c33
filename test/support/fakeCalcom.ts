import nock from 'nock';
import type { CalcomClient } from '../../src/application/ports/calcom';
import { CALCOM_BASE } from './testService';

export interface CreateRequest {
  start: string;
  eventTypeId: number;
  attendee: { name: string; email?: string; phoneNumber?: string; timeZone: string };
  metadata: Record<string, string>;
}

export interface CalcomBookingJson {
  id: number;
  uid: string;
  status: string;
  start: string;
  end: string;
  createdAt: string;
  eventTypeId: number;
  metadata: Record<string, string>;
  attendees: Array<{ name: string; email?: string; phoneNumber?: string; timeZone: string }>;
}

let sequence = 0;

/** What Cal.com creates for a request: a fresh booking echoing our metadata and attendee. */
export const freshBooking = (request: CreateRequest, createdAt = new Date()): CalcomBookingJson => {
  sequence += 1;
  return {
    id: 50_000 + sequence,
    uid: `uid${Date.now().toString(36)}${sequence}`,
    status: 'accepted',
    start: request.start,
    end: new Date(Date.parse(request.start) + 30 * 60_000).toISOString(),
    createdAt: createdAt.toISOString(),
    eventTypeId: request.eventTypeId,
    metadata: request.metadata,
    attendees: [{ ...request.attendee }],
  };
};

/** Intercepts POST /v2/bookings; `answer` decides each reply. Returns the list of requests Cal.com saw. */
export const interceptCreates = (answer: (request: CreateRequest) => Promise<[number, unknown]> | [number, unknown], times = 100) => {
  const seen: CreateRequest[] = [];
  nock(CALCOM_BASE)
    .post('/v2/bookings')
    .times(times)
    .reply(async (_uri, body) => {
      const request = body as CreateRequest;
      seen.push(request);
      return answer(request);
    });
  return seen;
};

export const interceptSlots = (slots: string[], times = 20) =>
  nock(CALCOM_BASE)
    .get('/v2/slots')
    .query(true)
    .times(times)
    .reply(200, () => ({ status: 'success', data: groupByDay(slots) }));

const groupByDay = (slots: string[]) =>
  slots.reduce<Record<string, Array<{ start: string }>>>((days, start) => {
    const day = start.slice(0, 10);
    (days[day] ??= []).push({ start });
    return days;
  }, {});

/** A BOOKING_CREATED (or other trigger) webhook body for a booking, as Cal.com would send it. */
export const webhookFor = (booking: CalcomBookingJson, triggerEvent = 'BOOKING_CREATED', extra: Record<string, unknown> = {}, createdAt = new Date()) => ({
  triggerEvent,
  createdAt: createdAt.toISOString(),
  payload: {
    uid: booking.uid,
    bookingId: booking.id,
    eventTypeId: booking.eventTypeId,
    startTime: booking.start,
    endTime: booking.end,
    attendees: booking.attendees,
    metadata: { videoCallUrl: `https://cal.test/video/${booking.uid}`, ...booking.metadata },
    status: triggerEvent === 'BOOKING_REQUESTED' ? 'PENDING' : triggerEvent === 'BOOKING_CANCELLED' ? 'CANCELLED' : 'ACCEPTED',
    ...extra,
  },
});

/** A Cal.com client's create that books at once, as Cal.com answers one (freshBooking), each booking kept in `created` by our booking_ref. */
export const answeredCreates = (created: Map<string, CalcomBookingJson>): CalcomClient['createBooking'] =>
  (async (input: CreateRequest) => {
    const booking = freshBooking({ start: input.start, eventTypeId: input.eventTypeId, attendee: { name: input.attendee.name, timeZone: input.attendee.timeZone }, metadata: input.metadata });
    created.set(input.metadata.booking_ref!, booking);
    return { outcome: 'answered', httpStatus: 201, booking: { ...booking, attendees: [input.attendee] }, latencyMs: 5 };
  }) as unknown as CalcomClient['createBooking'];
