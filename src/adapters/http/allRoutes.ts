import type { Router } from 'express';
import type { HttpContext } from './httpContext';
import { adminRoutes } from './routes/admin';
import { auditRoutes } from './routes/audit';
import { calcomWebhookRoutes } from './routes/calcomWebhooks';
import { consoleRoutes } from './routes/console';
import { incidentRoutes } from './routes/incidents';
import { openApiRoutes } from './routes/openapi';
import { readModelRoutes } from './routes/readModel';
import { retellWebhookRoutes } from './routes/retellWebhooks';

/** Routes beyond health and Retell functions, mounted by `serve`. */
export const allRoutes = (ctx: HttpContext): Router[] => [calcomWebhookRoutes(ctx), retellWebhookRoutes(ctx), readModelRoutes(ctx), consoleRoutes(ctx), incidentRoutes(ctx), adminRoutes(ctx), auditRoutes(ctx), openApiRoutes(ctx)];
