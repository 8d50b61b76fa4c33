import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import nock from 'nock';
import { freshBooking, type CreateRequest } from '../support/fakeCalcom';
import { CALCOM_BASE, RETELL_KEY, WEBHOOK_SECRET } from '../support/testService';

/** Shared tools of the hostile-input suites: raw requests with a deadline, byte-exact signatures, hostile values. */

export const FUNCTIONS = ['check_availability', 'book_appointment', 'get_booking_status', 'cancel_appointment'] as const;

/** Retell's scheme over raw bytes: hex HMAC-SHA256(body bytes + decimal ms) keyed by the API key. */
export const signRetellBytes = (body: Buffer | string, key = RETELL_KEY, timestamp = Date.now()): string =>
  `v=${timestamp},d=${createHmac('sha256', key).update(body).update(String(timestamp)).digest('hex')}`;
export const signCalcomBytes = (body: Buffer | string, secret = WEBHOOK_SECRET): string => createHmac('sha256', secret).update(body).digest('hex');

export interface RawResponse {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** A request that must answer within the deadline (a hang fails the test). */
export const send = async (
  url: string,
  path: string,
  init: { method?: string; body?: Buffer | string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawResponse> => {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body !== undefined && { body: init.body }),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
};

/** 2xx or 4xx, JSON, and for 4xx a clear `message`; for 2xx a business answer or a receipt. */
export const expectWellFormed = (r: RawResponse, context: string): void => {
  const where = `${context} -> ${r.status} ${r.text.slice(0, 300)}`;
  if (r.status >= 500 || r.status < 200 || (r.status >= 300 && r.status < 400)) throw new Error(`unexpected status: ${where}`);
  if (typeof r.json !== 'object' || r.json === null || Array.isArray(r.json)) throw new Error(`not a JSON object: ${where}`);
  if (r.status >= 400 && (typeof r.json.message !== 'string' || r.json.message.trim().length < 10)) throw new Error(`4xx without a clear message: ${where}`);
  if (r.headers.get('content-type')?.startsWith('application/json') !== true) throw new Error(`content-type is not JSON: ${where}`);
};

/** Cal.com as nock: creates echo a fresh booking, slots are empty, cancels succeed, lookups find nothing. */
export const fakeCalcomForever = () => {
  const creates: CreateRequest[] = [];
  const scope = nock(CALCOM_BASE)
    .persist()
    .post('/v2/bookings')
    .reply(201, (_uri, body) => {
      creates.push(body as CreateRequest);
      return { status: 'success', data: freshBooking(body as CreateRequest) };
    })
    .get('/v2/slots')
    .query(true)
    .reply(200, { status: 'success', data: {} })
    .post(/\/v2\/bookings\/[^/]+\/cancel$/)
    .reply(200, { status: 'success', data: {} })
    .get(/\/v2\/bookings\/[^/]+$/)
    .reply(404, { status: 'error', error: { code: 'NotFoundException', message: 'Booking not found' } });
  return { scope, creates };
};

const prototypeKeys = (inner: unknown) => [
  JSON.parse(`{"__proto__": ${JSON.stringify(inner)}}`),
  JSON.parse(`{"constructor": {"prototype": ${JSON.stringify(inner)}}}`),
  JSON.parse(`{"__proto__": {"polluted": "yes"}, "prototype": {"polluted": "yes"}}`),
];

/** Values that are wrong in type, size, encoding or meaning. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e-308,
    4.2,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    '\t\n',
    [],
    [1, 'two', null],
    {},
    { $gt: '' },
    { nested: { deeper: { deepest: [{}] } } },
    'x'.repeat(10_000),
    'ä'.repeat(20_000),
    '🙂🙂🙂',
    'Zoë Ünïcødé',
    '\u202eevil\u202c',
    'ＡＢＣ１２３',
    'a\u0000b',
    '\u0000',
    'lone \ud800 surrogate',
    'lone \udc00 low',
    '\ufeffBOM',
    '<script>alert(1)</script>',
    "'; DROP TABLE bl_events; --",
    '${process.exit(1)}',
    '{{7*7}}',
    '../../etc/passwd',
    '%00%ff',
    '31.02.2025',
    '2025-02-31',
    '00.00.0000',
    '99.99.9999',
    '2025-13-01',
    '+275760-09-13',
    '1.1.1',
    '29.02.2031',
    '25:61',
    '24:00',
    '-1:00',
    '12:60',
    '23:59:59',
    '13 pm',
    '٣:٠٠',
    '8 Uhr 30',
    'de-DE-x-hostile',
    'javascript:alert(1)@example.org',
    'a@b',
    '+'.repeat(40),
    '__proto__',
    'constructor',
    ...prototypeKeys({ polluted: 'yes' }),
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** `value` with one field (found by a path of keys) replaced, or a key added; never touches the argument. */
export const mutateAt = (value: unknown, path: string[], replacement: unknown): unknown => {
  if (path.length === 0) return replacement;
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(value ?? {}));
  const [head, ...rest] = path;
  copy[head!] = mutateAt(copy[head!], rest, replacement);
  return copy;
};

/** Every path of keys into a JSON object (objects only), including the root's own keys. */
export const pathsOf = (value: unknown, prefix: string[] = []): string[][] => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => [[...prefix, key], ...pathsOf(inner, [...prefix, key])]);
};

/** A near-valid body: a valid one with one field mutated (or one field added, e.g. `__proto__`). */
export const nearValid = (templates: unknown[]): fc.Arbitrary<{ body: string; label: string }> =>
  fc
    .record({
      template: fc.constantFrom(...templates),
      pick: fc.nat(),
      addKey: fc.constantFrom<string | undefined>(undefined, undefined, undefined, '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'),
      value: hostileValue,
    })
    .map(({ template, pick, addKey, value }) => {
      const paths = pathsOf(template);
      const path = paths[pick % paths.length]!;
      const target = addKey ? [...path.slice(0, -1), addKey] : path;
      const mutated = mutateAt(template, target, value);
      return { body: JSON.stringify(mutated), label: `${target.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}` };
    });

/** Bytes and JSON of every shape. */
export const arbitraryBody: fc.Arbitrary<{ body: Buffer | string; label: string }> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ body: Buffer.from(bytes), label: `bytes ${Buffer.from(bytes).toString('hex').slice(0, 60)}` })),
  fc.json({ maxDepth: 3 }).map((body) => ({ body, label: `json ${body.slice(0, 80)}` })),
  fc
    .anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withSparseArray: true })
    .map((value) => JSON.stringify(value))
    .filter((body): body is string => typeof body === 'string')
    .map((body) => ({ body, label: `anything ${body.slice(0, 80)}` })),
  fc.string({ unit: 'binary', maxLength: 300 }).map((body) => ({ body, label: `text ${JSON.stringify(body.slice(0, 60))}` })),
);
