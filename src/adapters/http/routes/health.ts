import { Router } from 'express';
import type { HttpContext } from '../httpContext';

/** Liveness, readiness and metrics: open to probes and scrapers, no token needed. */
export const healthRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      ctx.readiness.map(async ({ name, check }) => {
        // An open endpoint names the failing check only: error texts carry hosts and ports (logged instead).
        const result = await check().catch((error: unknown) => {
          ctx.logger.warn({ check: name, err: { message: error instanceof Error ? error.message : String(error) } }, 'Readiness check failed');
          return { ok: false, detail: 'check failed (see the service log)' };
        });
        return { name, ...result };
      }),
    );
    const ready = results.every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  return router;
};
