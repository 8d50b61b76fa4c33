import express, { Router } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { receiveCalcomWebhook } from '../../../application/useCases/receiveCalcomWebhook';
import { sendError } from '../errors';
import type { HttpContext } from '../httpContext';

/** hex HMAC-SHA256 of the raw bytes keyed by the webhook secret, compared in constant time. */
export const isCalcomSignatureValid = (raw: Buffer, header: string | undefined, secret: string): boolean => {
  if (!header || !/^[0-9a-f]{64}$/i.test(header)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(header, 'hex'));
};

/** POST /webhooks/calcom — 2xx only once the delivery is durably recorded; redeliveries are no-ops. */
export const calcomWebhookRoutes = (ctx: HttpContext): Router => {
  const router = Router();
  router.post(['/webhooks/calcom', '/p/:practice/webhooks/calcom'], express.raw({ type: () => true, limit: '512kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const prefix = (req.params as { practice?: string }).practice;
    if (prefix !== undefined && !ctx.practices.byId(prefix)) return void sendError(res, 404, 'unknown_practice', `No practice "${prefix}"`);
    // The secret that verifies the body says which practice's Cal.com sent it (with a prefix: that practice's only).
    const candidates = prefix !== undefined ? [ctx.practices.byId(prefix)!.practice] : ctx.practices.all();
    const secrets = candidates.flatMap((p) => (p.calcom.webhookSecret ? [{ practiceId: p.id as string | undefined, secret: p.calcom.webhookSecret }] : []));
    if (secrets.length === 0 && prefix === undefined && ctx.config.CALCOM_WEBHOOK_SECRET) secrets.push({ practiceId: undefined, secret: ctx.config.CALCOM_WEBHOOK_SECRET });
    const header = req.get('x-cal-signature-256');
    const verified = secrets.find(({ secret }) => isCalcomSignatureValid(raw, header, secret));
    if (secrets.length > 0 && !verified) {
      ctx.deps.telemetry.webhookDelivery('bad_signature');
      ctx.logger.warn({ bytes: raw.length, practice: prefix }, 'Cal.com webhook with a bad signature rejected');
      return void sendError(res, 401, 'invalid_signature', 'X-Cal-Signature-256 does not match the body');
    }
    const practiceId = verified?.practiceId ?? prefix;
    const deps = (practiceId && ctx.practices.byId(practiceId)?.deps) || ctx.deps;
    const outcome = await receiveCalcomWebhook(deps, raw, req.get('content-type') ?? 'application/octet-stream', { practiceId });
    if (outcome.result === 'invalid') {
      return void sendError(res, 400, 'invalid_webhook', `Recorded for analysts but not understood: ${outcome.reason}`, { delivery_id: outcome.deliveryId });
    }
    ctx.logger.info({ deliveryId: outcome.deliveryId, result: outcome.result, bookingId: outcome.bookingId, applied: outcome.applied, orphan: outcome.orphan }, 'Cal.com webhook recorded');
    res.status(200).json({ status: outcome.result, delivery_id: outcome.deliveryId, booking_id: outcome.bookingId, applied: outcome.applied, orphan: outcome.orphan, ignored: outcome.ignored });
  });
  return router;
};
