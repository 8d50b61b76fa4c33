import { spawnSync } from 'node:child_process';
import path from 'node:path';
import nock from 'nock';
import { z } from 'zod';
import { agentAnswerSchema } from '../../src/application/agentAnswer';
import {
  appointmentListSchema,
  bookingHistorySchema,
  errorBodySchema,
  readinessSchema,
  retellFunctionListSchema,
  webhookReceiptSchema,
} from '../../src/adapters/http/openapi/schemas';
import { parseAvailabilityArgs, parseBookArgs, parseBookingLookupArgs } from '../../src/adapters/http/retell/bookingArgs';
import { parseRescheduleArgs } from '../../src/adapters/http/retell/rescheduleArgs';
import { functionSpecs, retellFunctionDefinitions, retellFunctionNames, type RetellFunctionName } from '../../src/adapters/http/retell/functionSpecs';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates, webhookFor } from '../support/fakeCalcom';
import { eventually, startTestService, type TestService } from '../support/testService';

const root = path.resolve(__dirname, '../..');
type Json = any;

/** Every `$ref` in a document, with where it was found. */
const refsIn = (node: unknown, at = '#'): Array<{ ref: string; at: string }> => {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' ? [{ ref: String(value), at }] : refsIn(value, `${at}/${key}`)));
};
const resolve = (doc: Json, ref: string): unknown => ref.replace(/^#\//, '').split('/').reduce<any>((node, key) => node?.[key], doc);

/** Strict at the top level: a field the handler sends but the document does not name fails. */
const strictly = <T extends z.ZodObject>(schema: T) => schema.strict();

describe('the API description', () => {
  let t: TestService;
  let doc: Json;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '100' } });
    const { status, json } = await t.get('/openapi.json', { token: null });
    expect(status).toBe(200);
    doc = json;
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.stop();
    nock.enableNetConnect();
  });

  describe('GET /openapi.json', () => {
    it('is an OpenAPI 3.1 document whose every $ref resolves', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toMatchObject({ title: 'booking-ledger', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      const refs = refsIn(doc);
      expect(refs.length).toBeGreaterThan(20);
      for (const { ref, at } of refs) expect({ at, ref, resolved: resolve(doc, ref) !== undefined }).toEqual({ at, ref, resolved: true });
      expect(JSON.stringify(doc)).not.toMatch(/"\$schema"|"\$id"/);
    });

    it('documents the security schemes and which operation needs which', () => {
      expect(doc.components.securitySchemes).toEqual({
        retellSignature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Retell-Signature' }),
        calcomSignature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Cal-Signature-256' }),
        adminBearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        consoleSession: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'bl_admin_session' }),
      });
      const security = (p: string, method = 'get') => doc.paths[p][method].security;
      for (const name of retellFunctionNames) expect(security(`/retell/functions/${name}`, 'post')).toEqual([{ retellSignature: [] }]);
      expect(security('/webhooks/calcom', 'post')).toEqual([{ calcomSignature: [] }]);
      const bearerOrSession = [{ adminBearer: [] }, { consoleSession: [] }];
      expect(security('/appointments')).toEqual(bearerOrSession);
      expect(security('/bookings/{bookingId}/events')).toEqual(bearerOrSession);
      expect(security('/incidents/timeline')).toEqual(bearerOrSession);
      expect(security('/console')).toEqual(bearerOrSession);
      expect(security('/console/sign-out', 'post')).toEqual([{ consoleSession: [] }]);
      for (const open of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/retell/functions']) expect(security(open)).toEqual([]);
    });

    it('lists every status code each handler can return, errors with the {error, message} body', () => {
      const codes = (p: string, method = 'get') => Object.keys(doc.paths[p][method].responses).sort();
      for (const name of retellFunctionNames) expect(codes(`/retell/functions/${name}`, 'post')).toEqual(['200', '400', '401', '413', '503']);
      expect(codes('/retell/functions/{name}', 'post')).toEqual(['401', '404']);
      expect(codes('/webhooks/calcom', 'post')).toEqual(['200', '400', '401', '413', '503']);
      expect(codes('/appointments')).toEqual(['200', '400', '401', '503']);
      expect(codes('/bookings/{bookingId}/events')).toEqual(['200', '400', '401', '404', '503']);
      expect(codes('/incidents/timeline')).toEqual(['200', '400', '401', '404', '503']);
      expect(codes('/readyz')).toEqual(['200', '503']);
      expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { type: 'string' }, message: { type: 'string' } }, required: ['error', 'message'] });
      for (const [p, item] of Object.entries<Json>(doc.paths)) {
        for (const [method, operation] of Object.entries<Json>(item)) {
          for (const [code, response] of Object.entries<Json>(operation.responses)) {
            // The console's sign-in answers a browser with its form again (HTML); everything else errs in JSON.
            if (Number(code) >= 400 && p !== '/readyz' && !response.content?.['text/html']) expect({ p, method, code, schema: response.content['application/json'].schema }).toEqual({ p, method, code, schema: { $ref: '#/components/schemas/Error' } });
          }
        }
      }
    });

    it('takes its schemas from the handlers’ zod schemas', () => {
      const { schemas } = doc.components;
      expect(schemas.AgentAnswer.properties.status.enum).toEqual(agentAnswerSchema.shape.status.options);
      expect(schemas.CalcomWebhook.required).toEqual(['triggerEvent', 'createdAt', 'payload']);
      expect(doc.paths['/appointments'].get.parameters.map((p: Json) => p.name)).toEqual(['call_id', 'booking_uid', 'practice']);
      expect(doc.paths['/bookings/{bookingId}/events'].get.parameters[0]).toMatchObject({ name: 'bookingId', in: 'path', required: true, schema: { format: 'uuid' } });
      // Both German and English argument names, and which must be given.
      expect(Object.keys(schemas.BookAppointmentArguments.properties)).toEqual(
        expect.arrayContaining(['datum', 'date', 'uhrzeit', 'time', 'name', 'dienstleistung', 'service', 'email', 'telefon', 'phone', 'sprache', 'language']),
      );
      expect(schemas.BookAppointmentArguments.allOf).toContainEqual({ anyOf: [{ required: ['date'] }, { required: ['datum'] }] });
      // A caller who calls back can be found by the trusted number alone: nothing is required to find a booking.
      expect(schemas.CancelAppointmentArguments).not.toHaveProperty('anyOf');
      expect(schemas.RescheduleAppointmentArguments.allOf).toContainEqual({ anyOf: [{ required: ['new_date'] }, { required: ['neues_datum'] }] });
      expect(schemas.BookAppointmentRequest.anyOf).toHaveLength(2); // wrapped, args only
    });
  });

  describe('the documented response schemas hold for real responses', () => {
    it('function answers and protocol errors', async () => {
      const invalid = await t.callFunction('book_appointment', { call: { call_id: 'call_doc_1' }, args: { name: 'Ada' } });
      strictly(agentAnswerSchema).parse(invalid.json);
      interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }], 1);
      const booked = await t.callFunction('book_appointment', { call: { call_id: 'call_doc_1' }, args: { datum: '04.06.2031', uhrzeit: '10:00', name: 'Ada', dienstleistung: 'Beratung' } });
      strictly(agentAnswerSchema).parse(booked.json);
      expect(booked.json).toMatchObject({ status: 'pending', appointment: { service: 'Beratung' } });

      for (const response of [
        await t.callFunction('book_appointment', {}, { signature: null }),
        await t.callFunction('transfer_call', { call: { call_id: 'c' }, args: {} }),
        await t.callFunction('book_appointment', undefined, { raw: '{oops' }),
        await t.callFunction('book_appointment', { args: {} }),
        await t.callFunction('book_appointment', undefined, { raw: JSON.stringify({ call_id: 'c', pad: 'x'.repeat(70_000) }) }),
        await t.get('/appointments'),
        await t.get('/appointments?call_id=x', { token: null }),
        await t.get('/bookings/not-a-uuid/events'),
        await t.get('/bookings/2b7e1c8e-1111-4e5f-9a6b-123456789abc/events'),
        await t.sendWebhook({ triggerEvent: 'BOOKING_CREATED', createdAt: 'never', payload: {} }),
      ]) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        strictly(errorBodySchema).parse(response.json);
      }
    });

    it('read endpoints, webhooks and probes', async () => {
      let booking: any;
      interceptCreates((request) => [201, { status: 'success', data: (booking = freshBooking(request)) }], 1);
      const { json } = await t.callFunction('book_appointment', { call: { call_id: 'call_doc_2' }, args: { date: '2031-06-05', time: '09:30', name: 'Grace' } });
      strictly(webhookReceiptSchema).parse((await t.sendWebhook(webhookFor(booking))).json);
      strictly(bookingHistorySchema).parse((await t.get(`/bookings/${json.booking_id}/events`)).json);
      const rows = await eventually(async () => {
        const answer = (await t.get('/appointments?call_id=call_doc_2')).json;
        return answer.appointments.length > 0 && answer;
      });
      strictly(appointmentListSchema).parse(rows);
      strictly(appointmentListSchema.shape.appointments.element).parse(rows.appointments[0]);
      strictly(readinessSchema).parse((await t.get('/readyz', { token: null })).json);
    });
  });

  describe('GET /retell/functions and `booking-ledger retell-functions`', () => {
    it('serves the five functions with German argument names by default', async () => {
      const { status, json } = await t.get('/retell/functions', { token: null });
      expect(status).toBe(200);
      strictly(retellFunctionListSchema).parse(json);
      expect(json.functions.map((f: Json) => [f.name, f.url_path])).toEqual(retellFunctionNames.map((n) => [n, `/retell/functions/${n}`]));
      const book = json.functions.find((f: Json) => f.name === 'book_appointment');
      expect(book.parameters).toMatchObject({
        type: 'object',
        properties: { datum: { type: 'string', description: expect.stringContaining('10.10.2025') }, uhrzeit: { type: 'string' }, dienstleistung: {}, telefon: {} },
        required: ['datum', 'uhrzeit', 'name'],
      });
      expect(book.parameters).not.toHaveProperty('$schema');
      expect(Object.keys(json.functions.find((f: Json) => f.name === 'cancel_appointment').parameters.properties)).toEqual(['booking_id', 'datum', 'uhrzeit', 'dienstleistung', 'grund', 'sprache']);
      const reschedule = json.functions.find((f: Json) => f.name === 'reschedule_appointment');
      expect(reschedule.parameters.required).toEqual(['neues_datum', 'neue_uhrzeit']);
    });

    it('gives absolute URLs ready to paste: from how the request came in (proxy headers too), or PUBLIC_BASE_URL', async () => {
      const direct = (await t.get('/retell/functions', { token: null })).json;
      expect(direct.functions[1].url).toBe(`${t.url}/retell/functions/book_appointment`);
      const proxied = await fetch(`${t.url}/retell/functions`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'booking.example.org' } });
      expect(((await proxied.json()) as { functions: Json[] }).functions[1]!.url).toBe('https://booking.example.org/retell/functions/book_appointment');
      const configured = await startTestService(openMemoryPglite, { env: { PUBLIC_BASE_URL: 'https://agent.praxis.example' } });
      try {
        expect((await configured.get('/retell/functions', { token: null })).json.functions[0].url).toBe('https://agent.praxis.example/retell/functions/check_availability');
      } finally {
        await configured.stop();
      }
    });

    it('has English names and args-only mode on request, and rejects an unknown language', async () => {
      const english = (await t.get('/retell/functions?language=en&args_only=true', { token: null })).json;
      const book = english.functions.find((f: Json) => f.name === 'book_appointment');
      expect(Object.keys(book.parameters.properties)).toEqual(['date', 'time', 'name', 'service', 'email', 'phone', 'language', 'call_id']);
      expect(book.parameters.required).toEqual(['date', 'time', 'name', 'call_id']);
      const bad = await t.get('/retell/functions?language=fr', { token: null });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toBe('invalid_query');
    });

    it.each(['de', 'en'] as const)('publishes (%s) exactly the arguments the parser reads and requires', (language) => {
      const sample: Record<string, string> = {
        datum: '10.03.2030', date: '2030-03-10', uhrzeit: '08:00', time: '08:00', name: 'Ada Lovelace', booking_id: 'b-1',
        neues_datum: '12.03.2030', new_date: '2030-03-12', neue_uhrzeit: '09:00', new_time: '09:00',
      };
      const parse = (name: RetellFunctionName, args: Record<string, unknown>) => {
        const options = { timeZone: 'Europe/Berlin', now: new Date('2030-01-01T00:00:00Z') };
        if (name === 'book_appointment') return parseBookArgs(args, options);
        if (name === 'check_availability') return parseAvailabilityArgs(args, options);
        if (name === 'reschedule_appointment') return parseRescheduleArgs(args, options);
        return parseBookingLookupArgs(args, { ...options, fields: functionSpecs[name].fields });
      };
      for (const fn of retellFunctionDefinitions({ language })) {
        const { properties, required = [] } = fn.parameters as { properties: Record<string, unknown>; required?: string[] };
        const complete = Object.fromEntries(required.map((key) => [key, sample[key]]));
        if (required.length === 0) complete.booking_id = 'b-1';
        expect({ fn: fn.name, result: parse(fn.name, complete) }).toMatchObject({ fn: fn.name, result: { ok: true } });
        for (const key of required) {
          const { [key]: _left, ...without } = complete;
          expect({ fn: fn.name, key, ok: parse(fn.name, without).ok }).toEqual({ fn: fn.name, key, ok: false });
        }
        // Every published argument is read: a value too long for it is reported.
        for (const key of Object.keys(properties)) {
          const result = parse(fn.name, { ...complete, [key]: 'x'.repeat(600) });
          expect({ fn: fn.name, key, ok: result.ok }).toEqual({ fn: fn.name, key, ok: false });
        }
      }
    });

    it('the CLI prints the same JSON, with absolute URLs for --base-url', () => {
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/booking-ledger.js'), 'retell-functions', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
      const run = cli('--base-url', 'https://booking.example.org/');
      expect(run.status).toBe(0);
      const printed = JSON.parse(run.stdout);
      expect(printed).toEqual({ functions: retellFunctionDefinitions({ baseUrl: 'https://booking.example.org' }) });
      expect(printed.functions[1].url).toBe('https://booking.example.org/retell/functions/book_appointment');
      expect(cli('--base-url', 'booking.example.org').status).toBe(2);
      expect(JSON.parse(cli('--language', 'en').stdout).functions[0].parameters.required).toEqual(['date']);
    });
  });
});
