import express, { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { findSession, isAdminToken, requireAdmin, sameSecret, SESSION_COOKIE, sessionIdOf, tokenFingerprint } from '../adminAuth';
import { CONSOLE_SCRIPT } from '../console/consoleScript';
import { CONSOLE_HEADERS, type ConsoleVisitor } from '../console/consolePage';
import { indexPage } from '../console/indexPage';
import { loadConsoleIndex } from '../console/loadConsoleIndex';
import { signInPage, type SignInPageState } from '../console/signInPage';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

/** Where to go after signing in: a path of this service only (never `//elsewhere` or a full URL). */
export const safeNext = (next: unknown): string =>
  typeof next === 'string' && next.length < 2048 && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/console/sign-') ? next : '/console';

/**
 * A POST another site made the browser send: Fetch metadata when the browser sends it (a page cannot
 * forge it), else the Origin header; neither (curl, scripts): not a browser, nothing to forge.
 */
export const isCrossSite = (req: Request): boolean => {
  const site = req.get('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = req.get('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.host; // the host as the browser saw it (X-Forwarded-Host from a trusted proxy)
  } catch {
    return true; // "null" and other opaque origins
  }
};

const text = z.string().max(256).optional();
export const indexQuery = z.object({
  practice: z.string().max(64).optional(),
  call_id: text,
  booking_uid: text,
  date: z.string().max(10).optional(),
  caller: z.string().max(32).optional(),
});
const empty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

const signInBody = z.object({ token: z.string().max(512), next: z.string().max(2048).optional() });

/**
 * The analysts' console: sign-in and sign-out (an HttpOnly, SameSite=Strict session cookie; Secure
 * behind HTTPS), the front page of recent calls and open findings, and the console's script. Bearer
 * tokens keep working for every GET; the cookie never authorises a state-changing admin endpoint.
 */
export const consoleRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  const token = ctx.config.ADMIN_TOKEN;
  const hours = ctx.config.ADMIN_SESSION_HOURS;
  const page = (res: express.Response, status: number, html: string) => void res.status(status).set(CONSOLE_HEADERS).type('html').send(html);
  const signIn = (res: express.Response, status: number, state: SignInPageState) => page(res, status, signInPage(state, hours));
  // Secure over HTTPS, and always when the service's public URL is https (a proxy that forgot X-Forwarded-Proto).
  const publicHttps = ctx.config.PUBLIC_BASE_URL?.startsWith('https:') ?? false;
  const secure = (req: Request) => req.secure || publicHttps;

  router.get('/favicon.ico', (_req, res) => void res.status(204).end());
  router.get('/console/console.js', (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }).type('application/javascript').send(CONSOLE_SCRIPT);
  });

  router.get('/console/sign-in', (req, res) => {
    const next = safeNext(req.query.next);
    if (!token) return signIn(res, 200, { next, notice: 'no_token_configured' });
    const notice = req.query.expired === '1' ? 'expired' : req.query.signed_out === '1' ? 'signed_out' : undefined;
    signIn(res, 200, { next, notice });
  });

  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: ctx.config.ADMIN_SIGN_IN_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Keyed by req.ip: the client as TRUST_PROXY lets proxies report it. Successful sign-ins do not count.
    skipSuccessfulRequests: true,
    handler: (req, res) => {
      ctx.logger.warn({ ip: req.ip }, 'Console sign-in attempts over the limit');
      signIn(res, 429, { next: '/console', notice: 'too_many' });
    },
  });
  router.post('/console/sign-in', limiter, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    if (isCrossSite(req)) return void sendError(res, 403, 'cross_site', 'Sign-in must come from this site');
    const body = signInBody.safeParse(req.body ?? {});
    const next = safeNext(body.success ? body.data.next : undefined);
    if (!token) return void res.redirect(303, next);
    if (!body.success || !isAdminToken(token, body.data.token)) {
      ctx.logger.warn({ ip: req.ip }, 'Console sign-in refused: wrong admin token');
      return signIn(res, 401, { next, notice: 'wrong_token' });
    }
    const previous = sessionIdOf(req);
    if (previous) await ctx.adminSessions.close(previous); // a new sign-in replaces the browser's old session
    const session = await ctx.adminSessions.open(tokenFingerprint(token), new Date(Date.now() + hours * 3_600_000));
    res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: '/', maxAge: hours * 3_600_000 });
    ctx.logger.info({ ip: req.ip }, 'Console sign-in');
    res.redirect(303, next);
  });

  router.post('/console/sign-out', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    if (isCrossSite(req)) return void sendError(res, 403, 'cross_site', 'Sign-out must come from this site');
    const session = token ? await findSession(req, token, ctx.adminSessions, new Date()) : undefined;
    const csrf = typeof req.body?.csrf === 'string' ? req.body.csrf : '';
    if (session && !sameSecret(csrf, session.csrfToken)) return void sendError(res, 403, 'invalid_csrf_token', 'The sign-out form is stale; reload the page and sign out again');
    const id = sessionIdOf(req);
    if (id) await ctx.adminSessions.close(id);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: '/' });
    res.redirect(303, '/console/sign-in?signed_out=1');
  });

  router.get('/console', requireAdmin(token, ctx.adminSessions), async (req, res) => {
    const query = indexQuery.safeParse(req.query);
    if (!query.success) return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const q = query.data;
    const index = await loadConsoleIndex(ctx, { practice: empty(q.practice), callId: empty(q.call_id), bookingUid: empty(q.booking_uid), date: empty(q.date), caller: empty(q.caller) });
    page(res, 200, indexPage(index, visitorOf(res, token)));
  });
  return router;
};

/** Who the page is for (after requireAdmin): a signed-in browser, a bearer script, or anyone (no token). */
export const visitorOf = (res: express.Response, token: string | undefined): ConsoleVisitor => {
  const session = res.locals.adminSession as { csrfToken: string } | undefined;
  return session ? { csrfToken: session.csrfToken } : token ? 'bearer' : 'open';
};
