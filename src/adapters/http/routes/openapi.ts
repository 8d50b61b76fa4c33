import { Router } from 'express';
import { openApiDocument } from '../openapi/document';
import { retellFunctionsQuery } from '../openapi/schemas';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';
import { retellFunctionDefinitions } from '../retell/functionSpecs';

/** GET /openapi.json and GET /retell/functions: descriptions of this API, open like the probes. */
export const openApiRoutes = (_ctx: HttpContext): Router => {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/retell/functions', (req, res) => {
    const query = retellFunctionsQuery.safeParse(req.query);
    if (!query.success) {
      return void sendError(res, 400, 'invalid_query', query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    res.json({ functions: retellFunctionDefinitions({ language: query.data.language, argsOnly: query.data.args_only === 'true' }) });
  });
  return router;
};
