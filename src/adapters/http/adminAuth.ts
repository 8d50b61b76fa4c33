import { timingSafeEqual, createHash, scryptSync } from 'node:crypto';
import { parseCookie } from 'cookie';
import type { Request, RequestHandler } from 'express';
import type { AdminSession, AdminSessions } from '../../application/ports/adminSessions';
import { sendError } from './errors';

/** The console's session cookie (HttpOnly, SameSite=Strict; Secure behind HTTPS). */
export const SESSION_COOKIE = 'bl_admin_session';
export const SIGN_IN_PATH = '/console/sign-in';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether two secrets are equal, in constant time whatever their lengths. */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** Whether `given` is the admin token. */
export const isAdminToken = (token: string, given: string | undefined): boolean => given !== undefined && sameSecret(given, token);

const fingerprints = new Map<string, string>();
/**
 * What a session is bound to: a rotated ADMIN_TOKEN ends every session opened with the old one. A slow
 * hash (scrypt, once per token and process), so a copy of the sessions table does not let anyone test
 * guesses at the token quickly.
 */
export const tokenFingerprint = (token: string): string => {
  let fingerprint = fingerprints.get(token);
  if (!fingerprint) {
    fingerprint = scryptSync(token, 'booking-ledger admin session', 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64url');
    fingerprints.set(token, fingerprint);
  }
  return fingerprint;
};

const bearerOf = (req: Request) => /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
export const sessionIdOf = (req: Request): string | undefined => parseCookie(req.get('cookie') ?? '')[SESSION_COOKIE];

/** The signed-in console session of a request, if its cookie names an open one. */
export const findSession = async (req: Request, token: string, sessions: AdminSessions, now: Date): Promise<(AdminSession & { id: string }) | undefined> => {
  const id = sessionIdOf(req);
  if (!id || id.length > 128) return undefined;
  const session = await sessions.find(id, tokenFingerprint(token), now);
  return session && { ...session, id };
};

const refuse = (req: Request, res: Parameters<RequestHandler>[1], cookieGiven: boolean) => {
  // A browser asking for a page goes to the sign-in page and comes back; scripts get 401.
  if ((req.method === 'GET' || req.method === 'HEAD') && req.accepts(['json', 'html']) === 'html') {
    const query = new URLSearchParams({ next: req.originalUrl, ...(cookieGiven ? { expired: '1' } : {}) });
    return void res.redirect(303, `${SIGN_IN_PATH}?${query}`);
  }
  res.set('WWW-Authenticate', 'Bearer realm="booking-ledger"');
  sendError(res, 401, 'unauthorized', 'This endpoint needs Authorization: Bearer <ADMIN_TOKEN> (or, for GET, a console session: sign in at /console/sign-in)');
};

/**
 * Read endpoints and console pages: `Authorization: Bearer <ADMIN_TOKEN>`, or for GET and HEAD a console
 * session cookie (`res.locals.adminSession`). Open when no token is configured (development only).
 */
export const requireAdmin =
  (token: string | undefined, sessions: AdminSessions, now: () => Date = () => new Date()): RequestHandler =>
  async (req, res, next) => {
    if (!token) return next();
    if (isAdminToken(token, bearerOf(req))) return next();
    if (req.method === 'GET' || req.method === 'HEAD') {
      const session = await findSession(req, token, sessions, now());
      if (session) {
        res.locals.adminSession = session;
        return next();
      }
    }
    refuse(req, res, sessionIdOf(req) !== undefined);
  };

/** Endpoints that change something (rebuild, reconcile): the bearer token only, never a cookie, so no cross-site page can use them. */
export const requireAdminBearer =
  (token: string | undefined): RequestHandler =>
  (req, res, next) => {
    if (!token || isAdminToken(token, bearerOf(req))) return next();
    res.set('WWW-Authenticate', 'Bearer realm="booking-ledger"');
    sendError(res, 401, 'unauthorized', 'This endpoint needs Authorization: Bearer <ADMIN_TOKEN> (a console session is not enough)');
  };
