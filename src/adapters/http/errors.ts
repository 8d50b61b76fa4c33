import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';

export const sendError = (res: Response, status: number, error: string, message: string, extra: Record<string, unknown> = {}) =>
  res.status(status).json({ error, message, ...extra });

/** Last resort: body-parser errors become clear 4xx; anything else is a retryable 503, logged without the body. */
export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return void sendError(res, 413, 'body_too_large', 'The request body is larger than the limit for this endpoint');
    if (status && status >= 400 && status < 500) return void sendError(res, status, 'bad_request', (error as Error).message);
    logger.error({ err: { message: (error as Error)?.message, name: (error as Error)?.name }, path: req.path }, 'Request failed');
    sendError(res, 503, 'temporarily_unavailable', 'The service could not complete the request; it is safe to retry', { retryable: true });
  };
