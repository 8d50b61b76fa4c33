import axios, { type AxiosRequestConfig } from 'axios';
import type { RetryPolicy } from 'cockatiel';
import type {
  CalcomClient,
  CalcomUnreachable,
  CancelBookingResult,
  CreateBookingInput,
  CreateBookingResult,
  FindBookingsResult,
  GetBookingResult,
  GetEventTypeResult,
  GetSlotsResult,
} from '../../application/ports/calcom';
import { dataOf, isSuccess, notSuccessful, unreachableFrom, unreadableSuccess } from './interpretAnswer';
import { mapBooking, mapBookings, mapEventType, mapSlots } from './mapBooking';
import { DEFAULT_BREAKER, DEFAULT_RETRY, createPolicies, type BreakerOptions, type RetryOptions } from './resilience';
import { cancelBookingRequest, createBookingRequest, rescheduleBookingRequest, findBookingsRequest, getBookingRequest, getEventTypeRequest, getSlotsRequest } from './requests';
import { sendAttempt, type HttpAnswer } from './sendAttempt';

export type CalcomOperation = 'create' | 'get' | 'slots' | 'cancel' | 'find' | 'event_type' | 'reschedule';

/** Metrics/logging hook: no request or attendee data, only what happened. */
export interface CalcomCallInfo {
  operation: CalcomOperation;
  /** The result's outcome: answered | found | not_found | ok | cancelled | rejected | unreachable. */
  outcome: string;
  reason?: CalcomUnreachable['reason'];
  httpStatus?: number;
  latencyMs: number;
  /** HTTP requests actually sent (0 when the circuit was open). */
  attempts: number;
}

export interface CalcomHttpClientOptions {
  /** e.g. https://api.cal.com/v2 */
  baseUrl: string;
  apiKey?: string;
  /** Per attempt. Default 8000. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  onCall?: (info: CalcomCallInfo) => void;
}

type Timed = { outcome: string; latencyMs: number };

export function createCalcomHttpClient(options: CalcomHttpClientOptions): CalcomClient {
  const timeoutMs = options.timeoutMs ?? 8000;
  const policies = createPolicies({ ...DEFAULT_RETRY, ...options.retry }, { ...DEFAULT_BREAKER, ...options.breaker });
  const http = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    validateStatus: () => true,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
    headers: {
      Accept: 'application/json',
      ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
    },
  });

  async function call<R extends Timed>(
    operation: CalcomOperation,
    retryPolicy: RetryPolicy,
    request: AxiosRequestConfig,
    interpret: (answer: HttpAnswer, latencyMs: number) => R | CalcomUnreachable,
  ): Promise<R | CalcomUnreachable> {
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);
    let attempts = 0;
    let result: R | CalcomUnreachable;
    try {
      // Retry outside, breaker inside: every attempt feeds the shared breaker, and once it opens
      // the remaining retries stop at once (BrokenCircuitError is not a retryable failure).
      const answer = await retryPolicy.execute(() =>
        policies.breaker.execute(() => {
          attempts += 1;
          return sendAttempt(http, { ...request, timeout: timeoutMs });
        }),
      );
      result = interpret(answer, elapsed());
    } catch (error) {
      result = unreachableFrom(error, elapsed());
    }
    report(operation, result, attempts);
    return result;
  }

  type Reported = Timed & { reason?: CalcomUnreachable['reason']; httpStatus?: number };
  function report(operation: CalcomOperation, result: Reported, attempts: number): void {
    if (!options.onCall) return;
    const info: CalcomCallInfo = { operation, outcome: result.outcome, latencyMs: result.latencyMs, attempts };
    if (result.reason !== undefined) info.reason = result.reason;
    if (result.httpStatus !== undefined) info.httpStatus = result.httpStatus;
    try {
      options.onCall(info);
    } catch {
      // A faulty metrics hook must not turn a recorded outcome into a thrown error.
    }
  }

  return {
    createBooking(input: CreateBookingInput): Promise<CreateBookingResult> {
      return call('create', policies.writeRetry, createBookingRequest(input), (answer, latencyMs) => {
        if (!isSuccess(answer.status)) return notSuccessful(answer, latencyMs);
        const booking = mapBooking(dataOf(answer.body));
        if (!booking) return unreadableSuccess(answer, 'booking', latencyMs);
        return { outcome: 'answered', httpStatus: answer.status, booking, latencyMs };
      });
    },

    getBooking(uid: string): Promise<GetBookingResult> {
      return call('get', policies.readRetry, getBookingRequest(uid), (answer, latencyMs) => {
        if (answer.status === 404) return { outcome: 'not_found', latencyMs };
        if (!isSuccess(answer.status)) return notSuccessful(answer, latencyMs);
        const booking = mapBooking(dataOf(answer.body));
        return booking ? { outcome: 'found', booking, latencyMs } : unreadableSuccess(answer, 'booking', latencyMs);
      });
    },

    getSlots(input): Promise<GetSlotsResult> {
      return call('slots', policies.readRetry, getSlotsRequest(input), (answer, latencyMs) => {
        if (!isSuccess(answer.status)) return notSuccessful(answer, latencyMs);
        const slots = mapSlots(dataOf(answer.body));
        return slots ? { outcome: 'ok', slots, latencyMs } : unreadableSuccess(answer, 'slot list', latencyMs);
      });
    },

    getEventType(eventTypeId: number): Promise<GetEventTypeResult> {
      return call('event_type', policies.readRetry, getEventTypeRequest(eventTypeId), (answer, latencyMs) => {
        if (answer.status === 404) return { outcome: 'not_found', latencyMs };
        if (!isSuccess(answer.status)) return notSuccessful(answer, latencyMs);
        const eventType = mapEventType(dataOf(answer.body));
        return eventType ? { outcome: 'found', eventType, latencyMs } : unreadableSuccess(answer, 'event type', latencyMs);
      });
    },

    findBookings(input): Promise<FindBookingsResult> {
      return call('find', policies.readRetry, findBookingsRequest(input), (answer, latencyMs) => {
        if (!isSuccess(answer.status)) return notSuccessful(answer, latencyMs);
        const bookings = mapBookings(dataOf(answer.body));
        return bookings ? { outcome: 'ok', bookings, latencyMs } : unreadableSuccess(answer, 'booking list', latencyMs);
      });
    },

    rescheduleBooking(input): Promise<CreateBookingResult> {
      // A write: like a create, never retried blindly after it may have reached Cal.com.
      return call('reschedule', policies.writeRetry, rescheduleBookingRequest(input), (answer, latencyMs) => {
        if (!isSuccess(answer.status)) return notSuccessful(answer, latencyMs);
        const booking = mapBooking(dataOf(answer.body));
        if (!booking) return unreadableSuccess(answer, 'booking', latencyMs);
        return { outcome: 'answered', httpStatus: answer.status, booking, latencyMs };
      });
    },

    cancelBooking(uid: string, reason: string): Promise<CancelBookingResult> {
      // Write policy (429 / ECONNREFUSED only); see CalcomPolicies.writeRetry for why.
      return call('cancel', policies.writeRetry, cancelBookingRequest(uid, reason), (answer, latencyMs) =>
        isSuccess(answer.status) ? { outcome: 'cancelled', latencyMs } : notSuccessful(answer, latencyMs),
      );
    },
  };
}
