import { BrokenCircuitError } from 'cockatiel';
import type { CalcomRejected, CalcomUnreachable } from '../../application/ports/calcom';
import { isRecord } from './mapBooking';
import type { HttpAnswer } from './sendAttempt';
import { CalcomTransportError } from './transportError';

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The `data` of a `{status:'success', data}` envelope, or undefined. */
export function dataOf(body: unknown): unknown {
  return isRecord(body) ? body['data'] : undefined;
}

/** A 2xx whose body is not what the operation returns: we cannot tell what Cal.com did. */
export function unreadableSuccess(answer: HttpAnswer, expected: string, latencyMs: number): CalcomUnreachable {
  return {
    outcome: 'unreachable',
    reason: 'server_error',
    httpStatus: answer.status,
    message: `Cal.com answered HTTP ${answer.status} without a readable ${expected}; outcome unknown`,
    latencyMs,
  };
}

/** Any non-2xx answer that reached the operation: 4xx → rejected; 1xx/3xx → unreachable (unexpected). */
export function notSuccessful(answer: HttpAnswer, latencyMs: number): CalcomRejected | CalcomUnreachable {
  if (answer.status >= 400 && answer.status < 500) {
    const { code, message } = errorEnvelope(answer);
    return { outcome: 'rejected', httpStatus: answer.status, ...(code !== undefined ? { code } : {}), message, latencyMs };
  }
  return {
    outcome: 'unreachable',
    reason: 'server_error',
    httpStatus: answer.status,
    message: `unexpected HTTP ${answer.status} from Cal.com; outcome unknown`,
    latencyMs,
  };
}

/** Cal.com v2 `{status:'error', error:{code,message,details}}`, falling back to Nest's `{message}` and the status text. */
export function errorEnvelope(answer: HttpAnswer): { code?: string; message: string } {
  const body = answer.body;
  const error = isRecord(body) ? body['error'] : undefined;
  const code = isRecord(error) && typeof error['code'] === 'string' ? error['code'] : undefined;
  const message =
    text(isRecord(error) ? error['message'] : undefined) ??
    text(isRecord(body) ? body['message'] : undefined) ??
    (answer.statusText !== '' ? answer.statusText : `HTTP ${answer.status}`);
  return { ...(code !== undefined ? { code } : {}), message };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value)) {
    const parts = value.filter((v): v is string => typeof v === 'string');
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
  return undefined;
}

/** Whatever the policies threw, as a value. Unknown errors count as network failures (outcome unknown). */
export function unreachableFrom(error: unknown, latencyMs: number): CalcomUnreachable {
  if (error instanceof BrokenCircuitError) {
    return { outcome: 'unreachable', reason: 'circuit_open', message: 'Cal.com circuit is open; request not sent', latencyMs };
  }
  if (error instanceof CalcomTransportError) {
    const { httpStatus } = error.details;
    return { outcome: 'unreachable', reason: error.kind, ...(httpStatus !== undefined ? { httpStatus } : {}), message: error.message, latencyMs };
  }
  return { outcome: 'unreachable', reason: 'network', message: 'unexpected error in the Cal.com client', latencyMs };
}
