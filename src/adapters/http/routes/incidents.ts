import { Router } from 'express';
import { z } from 'zod';
import { parseInstant, INSTANT_HINT } from '../../../application/timeline/instant';
import { loadTimeline } from '../../../application/timeline/loadTimeline';
import { renderHtml } from '../../../application/timeline/renderHtml';
import { renderMarkdown } from '../../../application/timeline/renderMarkdown';
import type { PageView } from '../../../application/timeline/html/pageView';
import { parseLocal } from '../../../application/timeline/html/zonedTime';
import type { Timeline, TimelineSubject } from '../../../application/timeline/timelineModel';
import { findParked } from '../../../projections';
import { requireAdmin } from '../adminAuth';
import { CONSOLE_HEADERS, CONSOLE_SCRIPT_PATH, consoleNav } from '../console/consolePage';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';
import { visitorOf } from './console';

const instant = z
  .string()
  .transform((text, ctx) => parseInstant(text) ?? (ctx.addIssue({ code: 'custom', message: `must be ${INSTANT_HINT}` }), z.NEVER));

const many = (what: string, max: number) =>
  z
    .union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(max)])
    .transform((ids) => (Array.isArray(ids) ? ids : [ids]))
    .describe(what);
const epochMs = z.coerce.number().int().min(0).max(8_640_000_000_000_000);

export const timelineQuery = z
  .object({
    call_id: many('Retell call id (repeat the parameter for several calls)', 50).optional(),
    booking_uid: z.string().min(1).max(256).optional(),
    from: instant.optional().describe('start of a recorded-time range (with to)'),
    to: instant.optional().describe('end of a recorded-time range (with from)'),
    as_of: z.string().max(64).optional().describe(`show what was known then: ${INSTANT_HINT}, or a local "2025-10-06 11:39" in the page's time zone`),
    as_of_basis: z.enum(['recorded', 'happened']).optional().describe('what as_of compares: recorded time (default, what the system knew then) or happened time'),
    as_of_ms: epochMs.optional().describe("the page's as-of slider (milliseconds since 1970); used when it moved (differs from as_of_was)"),
    as_of_was: epochMs.optional().describe("the slider's position when the page was drawn"),
    tz: z.enum(['practice', 'utc']).optional().describe("HTML: times in the practice's time zone (default) or UTC"),
    order: z.enum(['recorded', 'happened']).optional().describe('HTML: order events by when recorded (default) or when they happened'),
    expand: z.enum(['all']).optional().describe('HTML: every event opened'),
    type: many('HTML: show only these event types (repeatable)', 100).optional(),
    call: many('HTML: show only these calls of the selection (repeatable)', 50).optional(),
    format: z.enum(['html', 'json', 'markdown']).optional().describe('html (default for browsers), json (as with Accept: application/json) or markdown (a download)'),
    as_of_apply: z.string().max(8).optional().describe("the page's submit button (ignored)"),
  })
  .refine((q) => [q.call_id !== undefined, q.booking_uid !== undefined, q.from !== undefined || q.to !== undefined].filter(Boolean).length === 1, 'give call_id, booking_uid, or from and to (one of them)')
  .refine((q) => (q.from === undefined) === (q.to === undefined), 'from and to go together');

type TimelineQuery = z.infer<typeof timelineQuery>;

const subjectOf = (q: TimelineQuery): TimelineSubject => {
  if (q.call_id) return { kind: 'calls', callIds: [...new Set(q.call_id)] };
  if (q.booking_uid) return { kind: 'booking_uid', uid: q.booking_uid };
  return { kind: 'recorded_between', from: q.from!.toISOString(), to: q.to!.toISOString() };
};

const subjectParams = (q: TimelineQuery): Array<[string, string]> => {
  if (q.call_id) return [...new Set(q.call_id)].map((id) => ['call_id', id]);
  if (q.booking_uid) return [['booking_uid', q.booking_uid]];
  return [
    ['from', q.from!.toISOString()],
    ['to', q.to!.toISOString()],
  ];
};

/**
 * The moment to show: the slider if it moved, else the typed `as_of` (an instant with a zone, or a
 * local time in the page's zone). `undefined` text: everything; a string: what could not be read.
 */
const asOfOf = (q: TimelineQuery, zone: string): Date | string | undefined => {
  if (q.as_of_ms !== undefined && q.as_of_ms !== q.as_of_was) return new Date(q.as_of_ms);
  const typed = q.as_of?.trim();
  if (!typed) return undefined;
  return parseInstant(typed) ?? parseLocal(typed, zone) ?? `as_of must be ${INSTANT_HINT}, or a local date and time such as 2025-10-06 11:39 (in ${zone})`;
};

/** The zone of the timeline's practice (its first booking's), as configured. */
const practiceZoneOf = (ctx: HttpContext, timeline: Timeline): string | undefined => {
  const practiceId = timeline.bookings[0]?.practiceId;
  return practiceId ? (ctx.practices.byId(practiceId)?.practice.timeZone ?? ctx.config.BOOKING_TIMEZONE) : undefined;
};

/** A filter that names every value there is filters nothing (so a type that appears later is not hidden). */
const narrowing = (picked: string[] | undefined, present: string[]): string[] => (picked && present.some((v) => !picked.includes(v)) ? picked : []);

/** GET /incidents/timeline?call_id=…|booking_uid=…|from=…&to=…[&as_of=…] — the analysts' incident page (HTML), JSON or Markdown. */
export const incidentRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.get('/incidents/timeline', requireAdmin(ctx.config.ADMIN_TOKEN, ctx.adminSessions), async (req, res) => {
    const query = timelineQuery.safeParse(req.query);
    if (!query.success) return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
    const q = query.data;
    const subject = subjectOf(q);
    const load = (asOf: Date | undefined) => loadTimeline(ctx.history, subject, { asOf, asOfBasis: q.as_of_basis, parked: (eventIds) => findParked(ctx.readModel, { eventIds }) });

    // The practice's zone comes from the timeline: only a local as-of ("11:39" in practice time) needs a first load without it.
    const zoneless = asOfOf(q, 'UTC');
    const local = typeof zoneless === 'string' || (zoneless !== undefined && parseLocal(q.as_of?.trim() ?? '', 'UTC') !== undefined && q.as_of_ms === q.as_of_was);
    let timeline = await load(local ? undefined : (zoneless as Date | undefined));
    const practiceZone = practiceZoneOf(ctx, timeline);
    const zone = q.tz === 'utc' || !practiceZone ? 'UTC' : practiceZone;
    if (local) {
      const asOf = asOfOf(q, zone);
      if (typeof asOf === 'string') return void sendError(res, 400, 'invalid_query', asOf);
      if (asOf) timeline = await load(asOf);
    }

    res.vary('Accept');
    const found = timeline.counts.matched > 0;
    const format = q.format ?? (req.accepts(['html', 'json']) === 'json' ? 'json' : 'html');
    const what = q.call_id ? `call ${q.call_id.join(', ')}` : q.booking_uid ? `Cal.com uid ${q.booking_uid}` : 'that time range';
    if (format === 'json') {
      if (!found) return void sendError(res, 404, 'no_events', `No events for ${what}`);
      return void res.set('Cache-Control', 'no-store').json(timeline);
    }
    if (format === 'markdown') {
      if (!found) return void sendError(res, 404, 'no_events', `No events for ${what}`);
      const name = `timeline-${(q.booking_uid ?? q.call_id?.join('_') ?? 'range').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}.md`;
      return void res.set({ 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${name}"` }).type('text/markdown; charset=utf-8').send(renderMarkdown(timeline));
    }
    const view: PageView = {
      path: '/incidents/timeline',
      subject: subjectParams(q),
      zone,
      practiceZone,
      order: q.order ?? 'recorded',
      expandAll: q.expand === 'all',
      types: narrowing(q.type, timeline.calls.flatMap((c) => c.entries.map((e) => e.type))),
      calls: narrowing(q.call, timeline.calls.map((c) => c.callId ?? '')),
      asOf: timeline.asOf ?? undefined,
      asOfBasis: q.as_of_basis ?? 'recorded',
      nav: consoleNav(visitorOf(res, ctx.config.ADMIN_TOKEN)),
      scriptSrc: CONSOLE_SCRIPT_PATH,
    };
    res.status(found ? 200 : 404).set(CONSOLE_HEADERS).type('html').send(renderHtml(timeline, view));
  });
  return router;
};
