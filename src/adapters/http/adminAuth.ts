import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Read endpoints need `Authorization: Bearer <ADMIN_TOKEN>` when a token is configured. */
export const requireAdmin =
  (token: string | undefined): RequestHandler =>
  (req, res, next) => {
    if (!token) return next();
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (given && timingSafeEqual(digest(given), digest(token))) return next();
    res.set('WWW-Authenticate', 'Bearer realm="booking-ledger"');
    sendError(res, 401, 'unauthorized', 'This endpoint needs Authorization: Bearer <ADMIN_TOKEN>');
  };
