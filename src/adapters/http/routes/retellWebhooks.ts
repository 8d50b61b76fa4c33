import express, { Router } from 'express';
import { receiveRetellWebhook } from '../../../application/useCases/receiveRetellWebhook';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';
import { verifyRetellSignature } from '../retell/verifyRetellSignature';

const KNOWN_EVENTS = new Set(['call_started', 'call_ended', 'call_analyzed']);

/**
 * POST /webhooks/retell — Retell's call webhooks (`call_started`, `call_ended`, `call_analyzed`), signed like
 * function calls (X-Retell-Signature over the raw body, ±5 min). Each is recorded once per call; Retell's
 * retries (up to 3, after 10 s without a 2xx) change nothing.
 */
export const retellWebhookRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.post('/webhooks/retell', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const apiKey = ctx.config.RETELL_API_KEY;
    const check = apiKey ? verifyRetellSignature(raw, req.get('x-retell-signature'), apiKey) : undefined;
    if (check && !check.ok) {
      ctx.metrics.retellWebhooks.inc({ event: 'unknown', result: 'bad_signature' });
      return void sendError(res, 401, 'invalid_signature', `X-Retell-Signature rejected: ${check.reason}`);
    }
    const outcome = await receiveRetellWebhook(ctx.deps, raw.toString('utf8'));
    if (outcome.result === 'invalid') {
      ctx.metrics.retellWebhooks.inc({ event: 'unknown', result: 'invalid' });
      return void sendError(res, 400, 'invalid_webhook', `Not a Retell call webhook: ${outcome.reason}`);
    }
    const event = KNOWN_EVENTS.has(outcome.event) ? outcome.event : 'other';
    ctx.metrics.retellWebhooks.inc({ event, result: outcome.result });
    ctx.logger.info({ event: outcome.event, result: outcome.result, callId: 'callId' in outcome ? outcome.callId : undefined }, 'Retell call webhook');
    res.json(outcome.result === 'ignored' ? { status: 'ignored', event: outcome.event } : { status: outcome.result, event: outcome.event, call_id: outcome.callId, looked_up: outcome.lookedUp });
  });
  return router;
};
