import { createHmac } from 'node:crypto';

export const retellSignature = (body: string, key: string, timestamp = Date.now()) =>
  `v=${timestamp},d=${createHmac('sha256', key).update(body + timestamp).digest('hex')}`;
export const calcomSignature = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');
