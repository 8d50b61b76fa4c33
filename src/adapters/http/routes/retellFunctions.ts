import express, { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';
import { functionHandlers, runFunction } from '../retell/functionHandlers';
import { MalformedFunctionRequest, parseFunctionRequest } from '../retell/functionRequest';
import { verifyRetellSignature } from '../retell/verifyRetellSignature';

const BODY_LIMIT = '64kb';

/** POST /retell/functions/:name — verify, parse, run one use case, answer JSON (business outcomes are 200). */
export const retellFunctionRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.post('/retell/functions/:name', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const apiKey = ctx.config.RETELL_API_KEY;
    if (apiKey) {
      const check = verifyRetellSignature(raw, req.get('x-retell-signature'), apiKey);
      if (!check.ok) return void sendError(res, 401, 'invalid_signature', `X-Retell-Signature rejected: ${check.reason}`);
    }
    const name = req.params.name ?? '';
    if (!Object.hasOwn(functionHandlers, name)) {
      return void sendError(res, 404, 'unknown_function', `Unknown function "${name}"; this service offers ${Object.keys(functionHandlers).join(', ')}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return void sendError(res, 400, 'malformed_json', 'The body must be a JSON object: {name, call: {call_id}, args} or the arguments with call_id');
    }
    let request;
    try {
      request = parseFunctionRequest(body);
    } catch (error) {
      if (error instanceof MalformedFunctionRequest) return void sendError(res, 400, 'malformed_request', error.message);
      throw error;
    }
    if (!ctx.config.CALCOM_EVENT_TYPE_ID) {
      return void sendError(res, 503, 'not_configured', 'CALCOM_EVENT_TYPE_ID is not set on this service', { retryable: false });
    }
    const given = req.get('x-request-id');
    const requestId = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    const answer = await runFunction(name, ctx.deps, request, requestId);
    ctx.logger.info({ fn: name, callId: request.callId, requestId, status: answer.status, bookingId: answer.booking_id }, 'Retell function answered');
    res.json(answer);
  });
  return router;
};
