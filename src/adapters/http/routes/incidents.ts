import { Router } from 'express';
import { z } from 'zod';
import { parseInstant, INSTANT_HINT } from '../../../application/timeline/instant';
import { loadTimeline } from '../../../application/timeline/loadTimeline';
import { renderHtml } from '../../../application/timeline/renderHtml';
import type { TimelineSubject } from '../../../application/timeline/timelineModel';
import { findParked } from '../../../projections';
import { requireAdmin } from '../adminAuth';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

const instant = z
  .string()
  .transform((text, ctx) => parseInstant(text) ?? (ctx.addIssue({ code: 'custom', message: `as_of must be ${INSTANT_HINT}` }), z.NEVER));

const callIds = z
  .union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(50)])
  .transform((ids) => (Array.isArray(ids) ? ids : [ids]))
  .describe('Retell call id (repeat the parameter for several calls)');

export const timelineQuery = z
  .object({
    call_id: callIds.optional(),
    booking_uid: z.string().min(1).max(256).optional(),
    from: instant.optional().describe('start of a recorded-time range (with to)'),
    to: instant.optional().describe('end of a recorded-time range (with from)'),
    as_of: instant.optional(),
    as_of_basis: z.enum(['recorded', 'happened']).optional().describe('what as_of compares: recorded time (default, what the system knew then) or happened time'),
  })
  .refine((q) => [q.call_id !== undefined, q.booking_uid !== undefined, q.from !== undefined || q.to !== undefined].filter(Boolean).length === 1, 'give call_id, booking_uid, or from and to (one of them)')
  .refine((q) => (q.from === undefined) === (q.to === undefined), 'from and to go together');

type TimelineQuery = z.infer<typeof timelineQuery>;

const subjectOf = (q: TimelineQuery): TimelineSubject => {
  if (q.call_id) return { kind: 'calls', callIds: [...new Set(q.call_id)] };
  if (q.booking_uid) return { kind: 'booking_uid', uid: q.booking_uid };
  return { kind: 'recorded_between', from: q.from!.toISOString(), to: q.to!.toISOString() };
};

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
    const { call_id, booking_uid, as_of, as_of_basis } = query.data;
    const subject = subjectOf(query.data);
    const timeline = await loadTimeline(ctx.history, subject, { asOf: as_of, asOfBasis: as_of_basis, parked: (eventIds) => findParked(ctx.readModel, { eventIds }) });

    res.vary('Accept');
    const found = timeline.counts.matched > 0;
    if (req.accepts(['html', 'json']) === 'json') {
      if (!found) return void sendError(res, 404, 'no_events', `No events for ${call_id ? `call ${call_id.join(', ')}` : booking_uid ? `Cal.com uid ${booking_uid}` : 'that time range'}`);
      return void res.set('Cache-Control', 'no-store').json(timeline);
    }
    res.status(found ? 200 : 404).set(PAGE_HEADERS).type('html').send(renderHtml(timeline));
  });
  return router;
};
