import { Router } from 'express';
import { z } from 'zod';
import { loadAudit } from '../../../application/audit/loadAudit';
import { INSTANT_HINT, parseInstant } from '../../../application/timeline/instant';
import { requireAdmin } from '../adminAuth';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

const instant = z.string().transform((text, ctx) => parseInstant(text) ?? (ctx.addIssue({ code: 'custom', message: `must be ${INSTANT_HINT}` }), z.NEVER));
export const auditQuery = z.object({ from: instant.optional(), to: instant.optional() });

/** GET /audit[?from=ISO&to=ISO] — the truth audit of every call with events in the window (default: the last 24 h). */
export const auditRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.get('/audit', requireAdmin(ctx.config.ADMIN_TOKEN, ctx.adminSessions), async (req, res) => {
    const query = auditQuery.safeParse(req.query);
    if (!query.success) return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const now = ctx.deps.now();
    const to = query.data.to ?? now;
    const from = query.data.from ?? new Date(to.getTime() - 24 * 3_600_000);
    if (from > to) return void sendError(res, 400, 'invalid_query', 'from must not be after to');
    const { calls, findings } = await loadAudit(ctx.history, { from, to, now, settleMs: ctx.config.RECONCILE_AFTER_MS });
    res.json({ from: from.toISOString(), to: to.toISOString(), calls, findings });
  });
  return router;
};
