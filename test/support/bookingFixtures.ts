import type { BookingEvent, CalcomAnswer, WebhookDelivery } from '../../src/domain';

export const BOOKING = 'b-687';
export const CALL = 'call_927bf219b2cc20cd24dc97c9f0b';
export const SLOT = '2025-10-10T06:00:00.000Z';
export const REQUESTED_AT = '2025-10-06T09:05:20.000Z';

export const requested = (overrides: Partial<Extract<BookingEvent, { type: 'BookingRequested' }>['data']> = {}): BookingEvent => ({
  type: 'BookingRequested',
  data: {
    bookingId: BOOKING,
    callId: CALL,
    occurredAt: REQUESTED_AT,
    eventTypeId: 2563193,
    slotStart: SLOT,
    timeZone: 'Europe/Berlin',
    service: 'Beratung',
    language: 'de',
    attendee: { name: 'Hansi Sputer', email: 'hansi@example.org' },
    practiceId: 'default',
    ...overrides,
  },
});

export const answer = (overrides: Partial<CalcomAnswer> = {}): CalcomAnswer => ({
  httpStatus: 201,
  uid: '8Fxv4pCqnb1Jva1w9wn5wX',
  calcomBookingId: 11489895,
  status: 'accepted',
  start: SLOT,
  createdAt: '2025-10-06T09:05:21.002Z',
  metadata: { call_id: CALL, booking_ref: BOOKING },
  attendees: [{ name: 'Hansi Sputer', email: 'hansi@example.org' }],
  latencyMs: 420,
  ...overrides,
});

export const delivery = (overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  deliveryId: 'd-1',
  triggerEvent: 'BOOKING_CREATED',
  uid: '8Fxv4pCqnb1Jva1w9wn5wX',
  calcomBookingId: 11489895,
  startTime: SLOT,
  metadata: { call_id: CALL, booking_ref: BOOKING, videoCallUrl: 'https://cal.example/video/x' },
  createdAt: '2025-10-06T09:05:22.000Z',
  ...overrides,
});

export const accepted = (): BookingEvent => ({
  type: 'CalcomBookingAccepted',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: '2025-10-06T09:05:21.500Z', uid: '8Fxv4pCqnb1Jva1w9wn5wX', calcomBookingId: 11489895, status: 'accepted' },
});
