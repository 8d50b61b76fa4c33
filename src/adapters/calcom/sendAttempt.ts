import { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { CalcomTransportError } from './transportError';

/** A response Cal.com gave that is not a transport failure (any status except 5xx and 429). */
export interface HttpAnswer {
  status: number;
  statusText: string;
  body: unknown;
}

/**
 * One HTTP attempt. Returns the answer for 1xx-4xx (except 429); throws `CalcomTransportError`
 * for timeouts, network errors, 5xx and 429 so the resilience policies can filter on it.
 */
export async function sendAttempt(http: AxiosInstance, request: AxiosRequestConfig): Promise<HttpAnswer> {
  let response: AxiosResponse<unknown>;
  try {
    response = await http.request<unknown>(request);
  } catch (error) {
    throw toTransportError(error, request.timeout);
  }
  const { status, statusText, data } = response;
  if (status === 429) {
    const retryAfterMs = retryAfterFrom(response.headers);
    throw new CalcomTransportError('rate_limited', 'Cal.com rate limit hit (HTTP 429)', {
      httpStatus: status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status >= 500) {
    throw new CalcomTransportError('server_error', `Cal.com server error (HTTP ${status})`, { httpStatus: status });
  }
  return { status, statusText, body: data };
}

function toTransportError(error: unknown, timeoutMs: number | undefined): CalcomTransportError {
  const code = errorCode(error);
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return new CalcomTransportError('timeout', `no answer from Cal.com within ${timeoutMs ?? '?'} ms`);
  }
  return new CalcomTransportError('network', `could not reach Cal.com (${code ?? 'unknown error'})`, {
    connectionRefused: code === 'ECONNREFUSED',
  });
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof AxiosError && typeof error.code === 'string') return error.code;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset-Default` (seconds), in ms. */
export function retryAfterFrom(headers: unknown, now: number = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = Number(header(headers, 'x-ratelimit-reset-default'));
  if (!Number.isFinite(reset) || reset < 0) return undefined;
  // Seconds until reset; a value that looks like an epoch timestamp is read as one (unverified format).
  return reset > 1e9 ? Math.max(0, reset * 1000 - now) : reset * 1000;
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value: unknown = (headers as Record<string, unknown>)[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
