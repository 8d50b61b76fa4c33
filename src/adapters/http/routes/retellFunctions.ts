import express, { Router, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { parseBoundedJson } from '../../../application/boundedJson';
import { recordCallerAnswer } from '../../../application/useCases/recordCallerAnswer';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';
import { functionHandlers, runFunction } from '../retell/functionHandlers';
import { MalformedFunctionRequest, parseFunctionRequest, type FunctionRequest } from '../retell/functionRequest';
import { DEFAULT_SIGNATURE_TOLERANCE_MS, verifyRetellSignature } from '../retell/verifyRetellSignature';

const BODY_LIMIT = '64kb';
const USAGE = 'The body must be a JSON object: {name, call: {call_id}, args} or the arguments with call_id';

/** The body as a function call, or the 400 already sent. */
const readRequest = (raw: Buffer, res: Response): FunctionRequest | undefined => {
  const json = parseBoundedJson(raw.toString('utf8'));
  if ('problem' in json) return void sendError(res, 400, 'malformed_json', `${USAGE} (${json.problem})`);
  try {
    return parseFunctionRequest(json.value);
  } catch (error) {
    if (error instanceof MalformedFunctionRequest) return void sendError(res, 400, 'malformed_request', error.message);
    throw error;
  }
};

/**
 * POST /retell/functions/:name — verify, bind the signature to this function, parse, run one use case,
 * answer JSON (business outcomes are 200). Retell signs the body, not the URL: a signed body runs only
 * the function it names (wrapped bodies) and a signature only ever the function it was first used for.
 */
export const retellFunctionRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.post(['/retell/functions/:name', '/p/:practice/retell/functions/:name'], express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const startedAt = performance.now();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const apiKey = ctx.config.RETELL_API_KEY;
    const check = apiKey ? verifyRetellSignature(raw, req.get('x-retell-signature'), apiKey) : undefined;
    if (check && !check.ok) return void sendError(res, 401, 'invalid_signature', `X-Retell-Signature rejected: ${check.reason}`);
    const name = String((req.params as { name?: string }).name ?? '');
    if (!Object.hasOwn(functionHandlers, name)) {
      return void sendError(res, 404, 'unknown_function', `Unknown function "${name}"; this service offers ${Object.keys(functionHandlers).join(', ')}`);
    }
    const request = readRequest(raw, res);
    if (!request) return;
    if (request.name !== undefined && request.name !== name) {
      ctx.logger.warn({ fn: name, bodyFunction: request.name, callId: request.callId }, 'Signed function call sent to another function; refused');
      return void sendError(res, 401, 'function_mismatch', `This request is for function "${request.name}", not "${name}"; a signed call runs only the function it names`);
    }
    if (check?.ok) {
      const expiresAt = new Date(check.signedAtMs + DEFAULT_SIGNATURE_TOLERANCE_MS + 60_000);
      const usedFor = await ctx.usedSignatures.remember(check.digest, name, expiresAt);
      if (usedFor !== name) {
        ctx.logger.warn({ fn: name, usedFor, callId: request.callId }, 'Retell signature reused for another function; refused');
        return void sendError(res, 401, 'signature_reused', `This X-Retell-Signature was already used for function "${usedFor}"; a signature is bound to the function it was first used for`);
      }
    }
    const prefix = (req.params as { practice?: string }).practice;
    const resolved = ctx.practices.resolve({ prefix, agentId: request.agentId });
    if (!resolved) {
      const why = prefix !== undefined ? `no practice "${prefix}"` : request.agentId ? `no practice lists agent "${request.agentId}" (agentIds in PRACTICES_FILE)` : 'no default practice';
      return void sendError(res, 404, 'unknown_practice', `${why}; use /p/<practice>/retell/functions/${name}`);
    }
    const { deps } = resolved;
    if (deps.settings.services.length === 0) {
      return void sendError(res, 503, 'not_configured', 'CALCOM_EVENT_TYPE_ID is not set on this service', { retryable: false });
    }
    const given = req.get('x-request-id');
    const requestId = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    const answer = await runFunction(name, deps, request, requestId);
    // What the caller hears is a fact: recorded before it is said (a failure to record never silences the answer).
    const delivery = await recordCallerAnswer(deps, { callId: request.callId, requestId }, { fn: name, args: request.args, answer, latencyMs: performance.now() - startedAt }).catch(
      (error: unknown) => void ctx.logger.error({ fn: name, callId: request.callId, err: { message: (error as Error).message } }, 'What the caller was told could not be recorded'),
    );
    ctx.logger.info({ fn: name, practice: resolved.practice.id, callId: request.callId, requestId, delivery, status: answer.status, bookingId: answer.booking_id }, 'Retell function answered');
    res.json(answer);
  });
  return router;
};
