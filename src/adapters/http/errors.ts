import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';

export const sendError = (res: Response, status: number, error: string, message: string, extra: Record<string, unknown> = {}) =>
  res.status(status).json({ error, message, ...extra });

/**
 * SQLSTATE class 22 "data exception" (e.g. NUL in text, an unpaired surrogate in JSON): the request's own
 * data can never be stored, so a retry cannot help and a 503 "safe to retry" would be a lie.
 */
const isDataException = (error: unknown): boolean => /^22[0-9A-Z]{3}$/.test(String((error as { code?: unknown } | null)?.code ?? ''));

/** Last resort: body-parser errors become clear 4xx; anything else is a retryable 503, logged without the body. */
export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return void sendError(res, 413, 'body_too_large', 'The request body is larger than the limit for this endpoint');
    if (status && status >= 400 && status < 500) return void sendError(res, status, 'bad_request', (error as Error).message);
    if (isDataException(error)) {
      logger.warn({ err: { code: (error as { code: string }).code }, path: req.path }, 'Request data cannot be stored; rejected');
      return void sendError(res, 400, 'unstorable_input', 'The request contains characters that cannot be stored (e.g. NUL or an unpaired surrogate); nothing was recorded');
    }
    logger.error({ err: { message: (error as Error)?.message, name: (error as Error)?.name }, path: req.path }, 'Request failed');
    sendError(res, 503, 'temporarily_unavailable', 'The service could not complete the request; it is safe to retry', { retryable: true });
  };
