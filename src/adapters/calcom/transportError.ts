/**
 * The one error type the Cal.com adapter throws between its own layers (attempt → breaker → retry).
 * It never leaves the adapter: the client turns it into a `CalcomUnreachable` value.
 * Messages are built from codes and statuses only, never from request data, so they carry no PII
 * (axios/nock error messages can echo request headers, so they are deliberately not copied).
 */

export type TransportFailureKind = 'timeout' | 'network' | 'server_error' | 'rate_limited';

export interface TransportFailureDetails {
  httpStatus?: number;
  /** The TCP connection was refused: the request provably never reached Cal.com. */
  connectionRefused?: boolean;
  /** Server-suggested wait before the next attempt (Retry-After / X-RateLimit-Reset-Default). */
  retryAfterMs?: number;
}

export class CalcomTransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    readonly details: TransportFailureDetails = {},
  ) {
    super(message);
    this.name = 'CalcomTransportError';
  }
}

/** Failures that say Cal.com is unhealthy or unreachable; these feed the circuit breaker. */
export function isHealthFailure(error: Error): boolean {
  return error instanceof CalcomTransportError && error.kind !== 'rate_limited';
}

/** Reads are idempotent: any transport failure may be retried. */
export function isRetryableRead(error: Error): boolean {
  return error instanceof CalcomTransportError;
}

/**
 * Writes without an idempotency key: retry only when Cal.com provably did not run its booking
 * logic — it throttled us (429 is decided by the guard before the controller) or the TCP
 * connection was refused. Timeouts, resets and 5xx may have happened after the write.
 */
export function isProvablyUnprocessed(error: Error): boolean {
  if (!(error instanceof CalcomTransportError)) return false;
  return error.kind === 'rate_limited' || (error.kind === 'network' && error.details.connectionRefused === true);
}
