import { Router } from 'express';
import { openApiDocument } from '../openapi/document';
import { retellFunctionsQuery } from '../openapi/schemas';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';
import { retellFunctionDefinitions } from '../retell/functionSpecs';

/** GET /openapi.json and GET /retell/functions: descriptions of this API, open like the probes. */
export const openApiRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/retell/functions', (req, res) => {
    const query = retellFunctionsQuery.safeParse(req.query);
    if (!query.success) {
      return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    // Ready to paste: absolute URLs from PUBLIC_BASE_URL, else from how this request reached us (proxies' X-Forwarded-*).
    const forwardedHost = req.get('x-forwarded-host')?.split(',')[0]?.trim();
    const baseUrl = ctx.config.PUBLIC_BASE_URL ?? `${req.protocol}://${forwardedHost || req.get('host')}`;
    const practice = query.data.practice === undefined ? undefined : ctx.config.practices.find((p) => p.id === query.data.practice);
    if (query.data.practice !== undefined && !practice) return void sendError(res, 404, 'unknown_practice', `No practice "${query.data.practice}" in PRACTICES_FILE`);
    res.json({ functions: retellFunctionDefinitions({ language: query.data.language, argsOnly: query.data.args_only === 'true', baseUrl, practice }) });
  });
  return router;
};
