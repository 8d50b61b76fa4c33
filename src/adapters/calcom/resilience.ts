import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { CalcomTransportError, isHealthFailure, isProvablyUnprocessed, isRetryableRead } from './transportError';

export interface RetryOptions {
  /** Retries after the first attempt (cockatiel semantics): 2 means at most 3 requests. */
  maxAttempts: number;
  initialDelayMs: number;
  /** Cap for both the exponential backoff and a server-suggested Retry-After wait. */
  maxDelayMs: number;
}

export interface BreakerOptions {
  consecutiveFailures: number;
  halfOpenAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 2, initialDelayMs: 100, maxDelayMs: 2000 };
export const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };

export interface CalcomPolicies {
  /** GET booking, GET slots: idempotent, retried on timeout, network, 5xx and 429. */
  readRetry: RetryPolicy;
  /**
   * POST bookings and POST cancel: retried only on 429 and ECONNREFUSED.
   * Create has no idempotency key, so a retry after a timeout or 5xx could book twice.
   * Cancel would be harmless to repeat, but a cancel that timed out may still be running inside
   * Cal.com; we keep it on the conservative write policy and let the caller reconcile by GET.
   */
  writeRetry: RetryPolicy;
  /**
   * One breaker for all operations of a client. It counts timeouts, network errors and 5xx.
   * 4xx and 429 do not count: the server is up and answering (429 means "slow down", which the
   * Retry-After handling already does); opening the circuit on 429 would turn throttling into an outage.
   */
  breaker: CircuitBreakerPolicy;
}

export function createPolicies(retryOptions: RetryOptions, breakerOptions: BreakerOptions): CalcomPolicies {
  const backoff = (): RetryAfterAwareBackoff =>
    new RetryAfterAwareBackoff(
      new ExponentialBackoff({ initialDelay: retryOptions.initialDelayMs, maxDelay: retryOptions.maxDelayMs }),
      retryOptions.maxDelayMs,
    );
  return {
    readRetry: retry(handleWhen(isRetryableRead), { maxAttempts: retryOptions.maxAttempts, backoff: backoff() }),
    writeRetry: retry(handleWhen(isProvablyUnprocessed), { maxAttempts: retryOptions.maxAttempts, backoff: backoff() }),
    breaker: circuitBreaker(handleWhen(isHealthFailure), {
      halfOpenAfter: breakerOptions.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
    }),
  };
}

type RetryContext = IRetryBackoffContext<unknown>;

/** Exponential backoff, except that a server-suggested wait (429 Retry-After) wins, capped at maxDelayMs. */
class RetryAfterAwareBackoff implements IBackoff<RetryContext> {
  constructor(
    private readonly exponential: IBackoffFactory<unknown>,
    private readonly maxDelayMs: number,
    readonly duration: number = 0,
  ) {}

  next(context: RetryContext): IBackoff<RetryContext> {
    const nextExponential = this.exponential.next(context);
    const failure = 'error' in context.result ? context.result.error : undefined;
    const suggested = failure instanceof CalcomTransportError ? failure.details.retryAfterMs : undefined;
    const duration = suggested !== undefined ? Math.min(suggested, this.maxDelayMs) : nextExponential.duration;
    return new RetryAfterAwareBackoff(nextExponential, this.maxDelayMs, duration);
  }
}
