import net from 'node:net';
import nock from 'nock';
import {
  createCalcomHttpClient,
  type CalcomCallInfo,
  type CalcomHttpClientOptions,
} from '../../../src/adapters/calcom/calcomHttpClient';
import type { CalcomClient, CreateBookingInput } from '../../../src/application/ports/calcom';

export const BASE = 'https://cal.test/v2';
export const API_KEY = 'cal_test_secret_key';

/** A client with fast test defaults; every onCall report lands in `calls`. */
export function makeClient(overrides: Partial<CalcomHttpClientOptions> = {}): { client: CalcomClient; calls: CalcomCallInfo[] } {
  const calls: CalcomCallInfo[] = [];
  const client = createCalcomHttpClient({
    baseUrl: BASE,
    apiKey: API_KEY,
    timeoutMs: 1000,
    retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 },
    breaker: { consecutiveFailures: 50, halfOpenAfterMs: 200 },
    onCall: (info) => calls.push(info),
    ...overrides,
  });
  return { client, calls };
}

export const input: CreateBookingInput = {
  eventTypeId: 42,
  start: '2050-09-05T07:00:00.000Z',
  attendee: { name: 'Ada Lovelace', email: 'ada@example.com', phoneNumber: '+4915112345678', timeZone: 'Europe/Berlin', language: 'de' },
  metadata: { callId: 'call_123', bookingRequestId: 'req_abc' },
};

/** A Cal.com 2024-08-13 BookingOutput, as POST /bookings or GET /bookings/{uid} return it. */
export function bookingJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 9001,
    uid: 'bk_uid_1',
    title: 'Consultation',
    status: 'accepted',
    start: '2050-09-05T07:00:00.000Z',
    end: '2050-09-05T07:30:00.000Z',
    duration: 30,
    eventTypeId: 42,
    eventType: { id: 42, slug: 'consultation' },
    createdAt: '2050-09-01T10:00:00.000Z',
    updatedAt: '2050-09-01T10:00:00.000Z',
    metadata: { callId: 'call_123', bookingRequestId: 'req_abc' },
    attendees: [
      {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        displayEmail: 'ada@example.com',
        timeZone: 'Europe/Berlin',
        language: 'de',
        absent: false,
        phoneNumber: '+4915112345678',
      },
    ],
    ...overrides,
  };
}

export const success = (data: unknown): Record<string, unknown> => ({ status: 'success', data });

export const calError = (code: string, message: string): Record<string, unknown> => ({
  status: 'error',
  timestamp: '2050-09-01T10:00:00.000Z',
  path: '/v2/bookings',
  error: { code, message, details: {} },
});

/**
 * Cal.com's answer to an exception nothing else caught, shaped as its catch-all filter builds it
 * (apps/api/v2/src/filters/sentry-exception.filter.ts: HTTP 500, code INTERNAL_SERVER_ERROR).
 */
export const calInternalError = (path: string): Record<string, unknown> => ({
  status: 'error',
  timestamp: '2050-09-01T10:00:00.000Z',
  path,
  error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' },
});

/** A local port with nothing listening: connecting to it is refused (ECONNREFUSED). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function setUpNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    // A delayed reply the client gave up on would keep its timer (up to 10 s) and hold the Jest worker open.
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}
