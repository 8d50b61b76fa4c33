import { Router } from 'express';
import { z } from 'zod';
import { parseInstant, INSTANT_HINT } from '../../../application/timeline/instant';
import { loadTimeline } from '../../../application/timeline/loadTimeline';
import { renderHtml } from '../../../application/timeline/renderHtml';
import { findParked } from '../../../projections';
import { requireAdmin } from '../adminAuth';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

const instant = z
  .string()
  .transform((text, ctx) => parseInstant(text) ?? (ctx.addIssue({ code: 'custom', message: `as_of must be ${INSTANT_HINT}` }), z.NEVER));

export const timelineQuery = z
  .object({
    call_id: z.string().min(1).max(256).optional(),
    booking_uid: z.string().min(1).max(256).optional(),
    as_of: instant.optional(),
  })
  .refine((q) => Boolean(q.call_id) !== Boolean(q.booking_uid), 'give call_id or booking_uid (one of them)');

/** The page holds caller names: no script, nothing loaded from elsewhere, not cached, not framed. */
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** GET /incidents/timeline?call_id=…|booking_uid=…[&as_of=ISO] — the analysts' page (HTML), or JSON with `Accept: application/json`. */
export const incidentRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.get('/incidents/timeline', requireAdmin(ctx.config.ADMIN_TOKEN), async (req, res) => {
    const query = timelineQuery.safeParse(req.query);
    if (!query.success) return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => i.message).join('; '));
    const { call_id, booking_uid, as_of } = query.data;
    const subject = call_id ? { kind: 'calls' as const, callIds: [call_id] } : { kind: 'booking_uid' as const, uid: booking_uid! };
    const timeline = await loadTimeline(ctx.history, subject, { asOf: as_of, parked: (eventIds) => findParked(ctx.readModel, { eventIds }) });

    res.vary('Accept');
    const found = timeline.counts.matched > 0;
    if (req.accepts(['html', 'json']) === 'json') {
      if (!found) return void sendError(res, 404, 'no_events', `No events for ${call_id ? `call ${call_id}` : `Cal.com uid ${booking_uid}`}`);
      return void res.set('Cache-Control', 'no-store').json(timeline);
    }
    res.status(found ? 200 : 404).set(PAGE_HEADERS).type('html').send(renderHtml(timeline));
  });
  return router;
};
