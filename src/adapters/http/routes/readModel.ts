import { Router } from 'express';
import { z } from 'zod';
import { bookingStreamId } from '../../../domain';
import { findAppointments } from '../../../projections';
import { requireAdmin } from '../adminAuth';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

export const appointmentsQuery = z
  .object({
    call_id: z.string().min(1).max(256).optional(),
    booking_uid: z.string().min(1).max(256).optional(),
    practice: z.string().min(1).max(64).optional().describe("Only this practice's bookings (alone: its most recent 500)"),
  })
  .refine((q) => q.call_id || q.booking_uid || q.practice, 'give call_id, booking_uid or practice');

export const bookingIdParam = z.uuid('bookingId must be a UUID');

/** GET /appointments and GET /bookings/:bookingId/events — analysts' read endpoints (bearer token). */
export const readModelRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  const admin = requireAdmin(ctx.config.ADMIN_TOKEN, ctx.adminSessions);

  router.get('/appointments', admin, async (req, res) => {
    const query = appointmentsQuery.safeParse(req.query);
    if (!query.success) return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => i.message).join('; '));
    const rows = await findAppointments(ctx.readModel, { callId: query.data.call_id, bookingUid: query.data.booking_uid, practiceId: query.data.practice });
    res.json({ appointments: rows });
  });

  router.get('/bookings/:bookingId/events', admin, async (req, res) => {
    const id = bookingIdParam.safeParse(req.params.bookingId);
    if (!id.success) return void sendError(res, 400, 'invalid_booking_id', id.error.issues[0]!.message);
    const events = await ctx.deps.store.readStream(bookingStreamId(id.data));
    if (events.length === 0) return void sendError(res, 404, 'booking_not_found', `No events for booking ${id.data}`);
    res.json({
      booking_id: id.data,
      events: events.map((e) => ({ ...e, recordedAt: e.recordedAt.toISOString() })),
    });
  });
  return router;
};
