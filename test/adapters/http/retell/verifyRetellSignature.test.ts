import fc from 'fast-check';
import Retell, { sign, verify } from 'retell-sdk';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { verifyRetellSignature } from '../../../../src/adapters/http/retell/verifyRetellSignature';

/** Our synchronous verifier must accept exactly what retell-sdk 5.66.1 signs and verifies. */
describe('verifyRetellSignature', () => {
  const apiKey = 'key_test_retell_123';
  const body = JSON.stringify({ name: 'book_appointment', call: { call_id: 'call_1' }, args: { datum: '2050-10-10', uhrzeit: '08:00', name: 'Jürgen Müller' } });
  const now = 1_760_000_000_000;
  const sixMinutes = 6 * 60_000;

  /** The SDK signer with a chosen timestamp (the top-level `sign` always uses Date.now()). */
  const sdkSign = (input: string, key: string, atMs: number) => symmetric.sign(input, key, atMs);
  const sdkVerify = (input: string, key: string, header: string, atMs: number) => symmetric.verify(input, key, header, { timestamp: atMs });

  it('matches the known vector from the retell-sdk test suite', async () => {
    const vectorBody = '{"event":"call_ended"}';
    const header = 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e';

    await expect(sdkSign(vectorBody, 'test-api-key', 1_700_000_000_000)).resolves.toBe(header);
    expect(verifyRetellSignature(vectorBody, header, 'test-api-key', 1_700_000_000_000)).toMatchObject({ ok: true });
    expect(verifyRetellSignature(Buffer.from(vectorBody), header, 'test-api-key', 1_700_000_000_000)).toMatchObject({ ok: true });
    // The accepted signature names its digest and time: the route binds it to one function.
    expect(verifyRetellSignature(vectorBody, header, 'test-api-key', 1_700_000_000_000)).toEqual({ ok: true, digest: header.split('d=')[1]!.toLowerCase(), signedAtMs: 1_700_000_000_000 });
  });

  it('accepts what the SDK top-level and client-level signers produce (awaited), as string or Buffer', async () => {
    const topLevel = await sign(body, apiKey);
    const clientLevel = await Retell.sign(body, apiKey);

    await expect(verify(body, apiKey, topLevel)).resolves.toBe(true);
    expect(verifyRetellSignature(body, topLevel, apiKey)).toMatchObject({ ok: true });
    expect(verifyRetellSignature(Buffer.from(body, 'utf8'), clientLevel, apiKey)).toMatchObject({ ok: true });
  });

  it('accepts an upper-case hex digest like the SDK does', async () => {
    const header = await sdkSign(body, apiKey, now);
    const upper = header.replace(/d=([0-9a-f]+)$/, (_, hex: string) => `d=${hex.toUpperCase()}`);

    await expect(sdkVerify(body, apiKey, upper, now)).resolves.toBe(true);
    expect(verifyRetellSignature(body, upper, apiKey, now)).toMatchObject({ ok: true });
  });

  it('rejects a forged digest as a mismatch', async () => {
    const header = await sdkSign(body, apiKey, now);
    const forged = header.replace(/d=[0-9a-f]{64}$/, `d=${'ab'.repeat(32)}`);

    await expect(sdkVerify(body, apiKey, forged, now)).resolves.toBe(false);
    expect(verifyRetellSignature(body, forged, apiKey, now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it.each([
    ['6 minutes old', -sixMinutes],
    ['6 minutes in the future', sixMinutes],
  ])('rejects a timestamp %s as stale', async (_label, offsetMs) => {
    const header = await sdkSign(body, apiKey, now + offsetMs);

    await expect(sdkVerify(body, apiKey, header, now)).resolves.toBe(false);
    expect(verifyRetellSignature(body, header, apiKey, now)).toEqual({ ok: false, reason: 'stale' });
  });

  it('accepts exactly at the 5-minute edge in both directions and rejects 1 ms beyond', async () => {
    const edge = 5 * 60_000;
    for (const offset of [-edge, edge]) {
      const header = await sdkSign(body, apiKey, now + offset);
      expect(verifyRetellSignature(body, header, apiKey, now)).toMatchObject({ ok: true });
    }
    const beyond = await sdkSign(body, apiKey, now - edge - 1);
    expect(verifyRetellSignature(body, beyond, apiKey, now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyRetellSignature(body, beyond, apiKey, now, edge + 1)).toMatchObject({ ok: true });
  });

  it('rejects a body changed by one byte', async () => {
    const header = await sdkSign(body, apiKey, now);
    const tampered = body.replace('08:00', '09:00');
    const bytes = Buffer.from(body);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;

    await expect(sdkVerify(tampered, apiKey, header, now)).resolves.toBe(false);
    expect(verifyRetellSignature(tampered, header, apiKey, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRetellSignature(bytes, header, apiKey, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyRetellSignature(`${body} `, header, apiKey, now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a signature made with another key', async () => {
    const header = await sdkSign(body, 'key_someone_else', now);

    await expect(sdkVerify(body, apiKey, header, now)).resolves.toBe(false);
    expect(verifyRetellSignature(body, header, apiKey, now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports a missing header', () => {
    expect(verifyRetellSignature(body, undefined, apiKey, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyRetellSignature(body, '', apiKey, now)).toEqual({ ok: false, reason: 'missing' });
  });

  const digest = '07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e';
  it.each([
    `v=${now}`,
    `d=${digest},v=${now}`,
    `prefix-v=${now},d=${digest}`,
    `v=${now},d=${digest}-suffix`,
    `v=${now},d=not-hex`,
    `v=${now},d=${digest.slice(2)}`,
    `v=${now},d=${digest}00`,
    `v=-${now},d=${digest}`,
    `v=${now}, d=${digest}`,
    `v=999999999999999999999999,d=${digest}`,
    'garbage',
  ])('rejects malformed header %p (as the SDK does)', async (header) => {
    await expect(sdkVerify(body, apiKey, header, now)).resolves.toBe(false);
    expect(verifyRetellSignature(body, header, apiKey, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to run with an empty API key (configuration bug)', () => {
    expect(() => verifyRetellSignature(body, `v=${now},d=${digest}`, '', now)).toThrow(/API key is empty/);
  });

  it('agrees with the SDK on random bodies, keys and clock skews', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }),
        fc.boolean(),
        async (input, key, skewMs, tamper) => {
          const header = await sdkSign(input, key, now + skewMs);
          const checked = tamper ? `${input}x` : input;
          const sdkSays = await sdkVerify(checked, key, header, now);
          expect(verifyRetellSignature(Buffer.from(checked, 'utf8'), header, key, now).ok).toBe(sdkSays);
        },
      ),
      { numRuns: 200 },
    );
  });
});
