import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks Retell's `X-Retell-Signature` header: `v=<unix ms>,d=<64 hex>`, where the digest is the
 * hex HMAC-SHA256, keyed by the Retell API key, of the raw body followed directly by the decimal
 * timestamp (no separator). Same scheme and ±5 min window as retell-sdk's async `verify`, but
 * synchronous (node:crypto) and with a reason for logs and metrics.
 *
 * Pass the raw request bytes (express.raw), never a re-serialised `req.body`. A Buffer is hashed
 * byte for byte, which equals hashing the UTF-8 string Retell signed.
 * There is no nonce and the URL is not signed: a captured request replays inside the window, to any
 * function. The route therefore binds each accepted signature to the function it was first used for
 * (`UsedSignatures`), and handlers stay idempotent for the replays that remain (Retell's own retries).
 */

export type RetellSignatureRejection = 'missing' | 'malformed' | 'stale' | 'mismatch';
/** An accepted signature: its digest (unique per body and timestamp) and when it was made. */
export type RetellSignatureCheck = { ok: true; digest: string; signedAtMs: number } | { ok: false; reason: RetellSignatureRejection };

export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** Same shape retell-sdk accepts; the digest must be exactly 32 bytes of hex. */
const HEADER_PATTERN = /^v=(\d+),d=([0-9a-f]{64})$/i;

const reject = (reason: RetellSignatureRejection): RetellSignatureCheck => ({ ok: false, reason });

export const verifyRetellSignature = (
  rawBody: Buffer | string,
  header: string | undefined,
  apiKey: string,
  nowMs: number = Date.now(),
  toleranceMs: number = DEFAULT_SIGNATURE_TOLERANCE_MS,
): RetellSignatureCheck => {
  // An empty key would make every signature forgeable; that is a configuration bug, not a 401.
  if (apiKey.length === 0) throw new Error('verifyRetellSignature: the Retell API key is empty');
  if (header === undefined || header.length === 0) return reject('missing');

  const match = HEADER_PATTERN.exec(header);
  if (!match) return reject('malformed');
  const signedAtMs = Number(match[1]);
  if (!Number.isSafeInteger(signedAtMs)) return reject('malformed');

  if (!Number.isFinite(nowMs) || Math.abs(nowMs - signedAtMs) > toleranceMs) return reject('stale');

  // The signed suffix is the number's decimal form, as in retell-sdk (`v=007` signs "7").
  const expected = createHmac('sha256', apiKey).update(rawBody).update(String(signedAtMs)).digest();
  const given = Buffer.from(match[2]!, 'hex');
  // The pattern guarantees 64 hex chars → 32 bytes; the length check keeps timingSafeEqual total.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reject('mismatch');
  return { ok: true, digest: expected.toString('hex'), signedAtMs };
};
