import express, { Router } from 'express';
import { z } from 'zod';
import { findParked, listDuplicates, projectionDefinitions } from '../../../projections';
import { requireAdmin, requireAdminBearer } from '../adminAuth';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

const rebuildBody = z.object({ projection: z.enum(projectionDefinitions.map((p) => p.name) as [string, ...string[]]).optional() }).strict();

/**
 * What the CLI asks a running service when the service holds the data (PGlite is single-process):
 * the duplicates view, the parked events, a rebuild, a reconciliation run. The two POSTs take the bearer
 * token only (never the console's cookie), so a cross-site page cannot trigger them.
 */
export const adminRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  const admin = requireAdmin(ctx.config.ADMIN_TOKEN, ctx.adminSessions);
  const bearer = requireAdminBearer(ctx.config.ADMIN_TOKEN);

  router.get('/duplicates', admin, async (_req, res) => {
    res.json({ duplicates: await listDuplicates(ctx.readModel) });
  });

  router.get('/admin/parked-events', admin, async (_req, res) => {
    res.json({ parked: await findParked(ctx.readModel, { limit: 500 }) });
  });

  router.post('/admin/rebuild', bearer, express.json({ limit: '1kb' }), async (req, res) => {
    const body = rebuildBody.safeParse(req.body ?? {});
    if (!body.success) return void sendError(res, 400, 'invalid_body', `give {} or {"projection": one of ${projectionDefinitions.map((p) => p.name).join(', ')}}`);
    ctx.logger.warn({ projection: body.data.projection ?? 'all' }, 'Rebuild requested over HTTP');
    res.json({ rebuilt: await ctx.operations.rebuild(body.data.projection) });
  });

  router.post('/admin/reconcile', bearer, async (_req, res) => {
    res.json(await ctx.operations.reconcileNow());
  });
  return router;
};
