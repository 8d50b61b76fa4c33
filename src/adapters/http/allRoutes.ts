import type { Router } from 'express';
import type { HttpContext } from './httpContext';
import { calcomWebhookRoutes } from './routes/calcomWebhooks';
import { readModelRoutes } from './routes/readModel';

/** Routes beyond health and Retell functions, mounted by `serve`. */
export const allRoutes = (ctx: HttpContext): Router[] => [calcomWebhookRoutes(ctx), readModelRoutes(ctx)];
