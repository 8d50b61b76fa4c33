import express, { type Express } from 'express';
import helmet from 'helmet';
import { allRoutes } from './allRoutes';
import { errorHandler } from './errors';
import type { HttpContext } from './httpContext';
import { healthRoutes } from './routes/health';
import { retellFunctionRoutes } from './routes/retellFunctions';

/** The express app: routes parse, call one use case, and map the result to HTTP. */
export const createApp = (ctx: HttpContext): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  // Security headers (nosniff, no framing, …); answers hold caller data, so nothing is cached unless a route says so.
  app.use(helmet());
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(healthRoutes(ctx));
  app.use(retellFunctionRoutes(ctx));
  for (const router of allRoutes(ctx)) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such endpoint' });
  });
  app.use(errorHandler(ctx.logger));
  return app;
};
