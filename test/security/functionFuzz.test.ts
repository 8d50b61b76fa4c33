import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { startTestService, type TestService } from '../support/testService';
import { FUNCTIONS, arbitraryBody, expectWellFormed, fakeCalcomForever, nearValid, send, signRetellBytes } from './hostile';

/**
 * Hostile input to POST /retell/functions/:name through a real listening server: arbitrary bytes,
 * arbitrary JSON, near-valid bodies with one field mutated, signed (so they reach the parser and
 * the use cases) and unsigned. Always 2xx or 4xx JSON with a clear message; never 5xx, never a hang;
 * the server stays up.
 */

const bookingId = '2b1c7f4e-8a3d-5f6e-9b0c-1d2e3f4a5b6c';
const templates = [
  { name: 'book_appointment', call: { call_id: 'call_fuzz_1', from_number: '+4930123456' }, args: { datum: '12.05.2031', uhrzeit: '9 Uhr', name: 'Rosa Fuzz', dienstleistung: 'Beratung', email: 'rosa@example.org', telefon: '+49 176 1111111', sprache: 'de' } },
  { call_id: 'call_fuzz_2', date: '2031-05-12', time: '14:30', name: 'Ada Fuzz', service: 'Consultation', phone: '0176 2222222', language: 'en' },
  { name: 'get_booking_status', call: { call_id: 'call_fuzz_3' }, args: { booking_id: bookingId } },
  { name: 'cancel_appointment', call: { call_id: 'call_fuzz_4' }, args: { datum: '12.05.2031', uhrzeit: '09:00', grund: 'krank' } },
  { name: 'check_availability', call: { call_id: 'call_fuzz_5' }, args: { date: '2031-05-12', time: '08:00' } },
];

describe('POST /retell/functions/:name under hostile input', () => {
  let t: TestService;
  const post = (name: string, body: Buffer | string, signed: boolean, headers: Record<string, string> = {}) =>
    send(t.url, `/retell/functions/${name}`, { body, headers: { ...(signed && { 'x-retell-signature': signRetellBytes(body) }), ...headers } });
  const stillUp = async () => expect((await send(t.url, '/healthz', { method: 'GET' })).status).toBe(200);

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    fakeCalcomForever();
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '0' } });
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  // '.' and '..' are dot-segments: the URL itself resolves them to another path (answered 404 before any route).
  const nameArb = fc.oneof(fc.constantFrom(...FUNCTIONS), fc.string({ minLength: 1, maxLength: 30 }).filter((n) => n !== '.' && n !== '..').map(encodeURIComponent));

  it('signed arbitrary bytes and arbitrary JSON: 2xx/4xx JSON with a message, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(nameArb, arbitraryBody, async (name, { body, label }) => {
        expectWellFormed(await post(name, body, true), `${name} ${label}`);
      }),
      { numRuns: 80 },
    );
    await stillUp();
  });

  it('signed near-valid bodies (one field mutated): 2xx/4xx JSON with a message, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FUNCTIONS), nearValid(templates), async (name, { body, label }) => {
        const r = await post(name, body, true);
        expectWellFormed(r, `${name} ${label}`);
        // A business answer names its outcome; invalid arguments come back as problems, not as a crash.
        if (r.status === 200) expect(typeof r.json.status).toBe('string');
      }),
      { numRuns: 100 },
    );
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await stillUp();
  });

  it('unsigned bodies of every kind get 401 with a message and touch nothing', async () => {
    await fc.assert(
      fc.asyncProperty(nameArb, fc.oneof(arbitraryBody, nearValid(templates)), async (name, { body, label }) => {
        const r = await post(name, body, false);
        expectWellFormed(r, `${name} ${label}`);
        expect(r.status).toBe(401);
      }),
      { numRuns: 40 },
    );
    await stillUp();
  });

  it('routes only its own four functions: inherited and odd names are 404', async () => {
    const body = JSON.stringify(templates[0]);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable', 'BOOK_APPOINTMENT', 'book_appointment%20', 'book_appointment%00', '%E2%80%AEbook']) {
      const r = await post(name, body, true);
      expectWellFormed(r, name);
      expect([name, r.status]).toEqual([name, 404]);
    }
    // A name that is not even valid percent-encoding is a clear 400, not a crash.
    const broken = await post('%E0%A4%A', body, true);
    expectWellFormed(broken, 'broken percent-encoding');
    expect(broken.status).toBe(400);
  });

  it('answers 413 for a body over 64 kB (signed or not) and still reads one of exactly 64 kB', async () => {
    const json = JSON.stringify(templates[2]);
    const exact = json + ' '.repeat(64 * 1024 - Buffer.byteLength(json));
    expect(Buffer.byteLength(exact)).toBe(64 * 1024);
    const ok = await post('get_booking_status', exact, true);
    expectWellFormed(ok, 'exactly 64 kB');
    expect(ok.status).toBe(200);
    for (const signed of [true, false]) {
      const r = await post('get_booking_status', `${exact} `, signed);
      expectWellFormed(r, 'over 64 kB');
      expect(r.status).toBe(413);
    }
    // A gzip bomb: 20 MB of spaces in a few kB, declared as gzip. The limit applies to the inflated bytes.
    const bomb = gzipSync(Buffer.concat([Buffer.from(json), Buffer.alloc(20 * 1024 * 1024, 0x20)]));
    const bombed = await post('get_booking_status', bomb, false, { 'content-encoding': 'gzip' });
    expectWellFormed(bombed, 'gzip bomb');
    expect(bombed.status).toBe(413);
    for (const encoding of ['gzip', 'deflate', 'br', 'x-hostile']) {
      const r = await post('get_booking_status', json, true, { 'content-encoding': encoding });
      expectWellFormed(r, `content-encoding ${encoding} over plain bytes`);
      expect(r.status).toBeGreaterThanOrEqual(400);
    }
    await stillUp();
  });

  it('reads the body whatever content-type is claimed', async () => {
    const body = JSON.stringify(templates[2]);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '']) {
      const r = await post('get_booking_status', body, true, { 'content-type': type });
      expectWellFormed(r, `content-type ${type}`);
      expect(r.status).toBe(200);
    }
  });
});
