import { createHmac } from 'node:crypto';

export const retellSignature = (body: string, key: string, timestamp = Date.now()) =>
  `v=${timestamp},d=${createHmac('sha256', key).update(body + timestamp).digest('hex')}`;
export const calcomSignature = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

/** A bookable day within the service's booking horizon: 60 days from now (YYYY-MM-DD). */
export const BOOKABLE_DATE = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
