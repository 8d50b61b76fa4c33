import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { agentAnswerSchema } from '../../../application/agentAnswer';
import { calcomWebhookSchema } from '../../../application/calcomWebhook';
import { functionRequestBodySchema } from '../retell/functionRequest';
import { acceptedArgumentsSchema, functionSpecs, retellFunctionNames, type RetellFunctionName } from '../retell/functionSpecs';
import { indexQuery } from '../routes/console';
import { timelineQuery } from '../routes/incidents';
import { appointmentsQuery, bookingIdParam } from '../routes/readModel';
import {
  appointmentListSchema,
  bookingHistorySchema,
  errorBodySchema,
  healthSchema,
  readinessSchema,
  retellFunctionListSchema,
  retellFunctionsQuery,
  webhookReceiptSchema,
} from './schemas';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the handlers parse with
 * (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Request bodies are
 * converted as the handlers read them (`io: 'input'`), responses as they are written (`io: 'output'`).
 */

type Json = Record<string, unknown>;

const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });

/** Converts a registry of named schemas into `components.schemas`, with `$ref`s between them. */
const componentsOf = (entries: Array<[string, z.ZodType, string?]>, io: 'input' | 'output'): Record<string, Json> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  const descriptions = new Map(entries.map(([id, , description]) => [id, description]));
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => {
      const description = descriptions.get(id);
      return [id, description && !schema.description ? { description, ...schema } : schema];
    }),
  );
};

/** Query or path parameters from a zod object's shape (each property converted on its own). */
const parametersOf = (shape: Record<string, z.ZodType>, where: 'query' | 'path'): Json[] =>
  Object.entries(shape).map(([name, schema]) => {
    const { $schema: _s, description, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Json;
    return { name, in: where, required: where === 'path' || !schema.safeParse(undefined).success, ...(description ? { description } : {}), schema: json };
  });

const json = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): Json => json(ref('Error'), description);
const unavailable = error('Infrastructure failure (e.g. the database restarting); `retryable: true`, safe to retry');
/** Read endpoints: the bearer token, or (GET) the console's session cookie. */
const readAccess = [{ adminBearer: [] }, { consoleSession: [] }];
const page = (description: string): Json => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const redirect = (description: string): Json => ({ description, headers: { Location: { schema: { type: 'string' } } } });

/** The analysts' console: HTML pages for a browser (see docs/console.md). */
const consolePaths: Json = {
  '/console': {
    get: {
      operationId: 'consoleIndex',
      tags: ['Console'],
      summary: 'Recent calls with what each caller heard last, and every open finding; search by call id, Cal.com uid, date, masked caller number, practice',
      security: readAccess,
      parameters: parametersOf(indexQuery.shape, 'query'),
      responses: {
        '200': page('The console front page'),
        '303': redirect('A browser without a session: to /console/sign-in?next=…'),
        '400': error('A query parameter too long (invalid_query)'),
        '401': error('A script without the bearer token (unauthorized)'),
        '503': unavailable,
      },
    },
  },
  '/console/sign-in': {
    get: { operationId: 'consoleSignInForm', tags: ['Console'], summary: 'The sign-in form', security: [], responses: { '200': page('The form (with why the analyst is here: expired, signed out)') } },
    post: {
      operationId: 'consoleSignIn',
      tags: ['Console'],
      summary: 'The admin token in (form field token), an HttpOnly, SameSite=Strict session cookie out (Secure behind HTTPS), valid ADMIN_SESSION_HOURS',
      security: [],
      responses: {
        '303': redirect('Signed in: to `next` (a path of this service), else /console'),
        '401': page('Not the admin token: the form again'),
        '403': error('Posted from another site (cross_site)'),
        '429': page('More than ADMIN_SIGN_IN_LIMIT attempts from this address in 15 minutes'),
      },
    },
  },
  '/console/sign-out': {
    post: {
      operationId: 'consoleSignOut',
      tags: ['Console'],
      summary: 'Ends the session server-side (form field csrf, from the page)',
      security: [{ consoleSession: [] }],
      responses: { '303': redirect('To /console/sign-in?signed_out=1'), '403': error('Posted from another site (cross_site) or without its CSRF token (invalid_csrf_token)') },
    },
  },
};

const version = (): string => {
  try {
    return (JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
};

const CALCOM_WEBHOOK =
  'A Cal.com webhook (v2021-10-20 envelope): the parts this service reads; everything else is kept as received. createdAt is an ISO date-time; booking triggers (BOOKING_CREATED, BOOKING_REQUESTED, BOOKING_CANCELLED, BOOKING_REJECTED, BOOKING_RESCHEDULED) need payload.uid. A delivery is routed by payload.metadata.booking_ref, else the uid, else metadata.call_id. Deliveries that are no booking event (Ping test, MEETING_* bodies without payload, custom payload templates, also text or form-encoded) are recorded and answered 200 with `ignored`.';

export const buildOpenApiDocument = (): Json => {
  const argumentsId = (name: RetellFunctionName) => `${pascal(name)}Arguments`;
  const requestId = (name: RetellFunctionName) => `${pascal(name)}Request`;
  const argumentSchemas = retellFunctionNames.map((name) => [argumentsId(name), acceptedArgumentsSchema(name)] as [string, z.ZodType]);
  const requestSchemas = retellFunctionNames.map(
    (name, i) => [requestId(name), functionRequestBodySchema(argumentSchemas[i]![1])] as [string, z.ZodType],
  );

  const schemas = {
    ...componentsOf([...argumentSchemas, ...requestSchemas, ['CalcomWebhook', calcomWebhookSchema, CALCOM_WEBHOOK]], 'input'),
    ...componentsOf(
      [
        ['AgentAnswer', agentAnswerSchema],
        ['Error', errorBodySchema],
        ['WebhookReceipt', webhookReceiptSchema],
        ['AppointmentList', appointmentListSchema],
        ['BookingHistory', bookingHistorySchema],
        ['Health', healthSchema],
        ['Readiness', readinessSchema],
        ['RetellFunctionList', retellFunctionListSchema],
      ],
      'output',
    ),
  };

  const retellResponses = {
    '200': json(ref('AgentAnswer'), 'The business outcome (also for invalid arguments: status invalid_input); `message` is what the agent says'),
    '400': error('The body is not JSON (malformed_json) or has no usable call id (malformed_request)'),
    '401': error('X-Retell-Signature missing, malformed, older than 5 minutes or not matching (invalid_signature)'),
    '413': error('The body is larger than 64 kB (body_too_large)'),
    '503': error('CALCOM_EVENT_TYPE_ID is not set (not_configured, retryable: false), or an infrastructure failure (temporarily_unavailable, retryable: true)'),
  };

  const functionPaths = Object.fromEntries(
    retellFunctionNames.map((name) => [
      `/retell/functions/${name}`,
      {
        post: {
          operationId: name,
          tags: ['Retell functions'],
          summary: functionSpecs[name].description.en,
          description:
            'A Retell custom function. Either body shape works: Retell\'s default `{name, call: {call_id}, args}`, or the arguments alone with `call_id` among them. German and English argument names are accepted; dates and times are wall-clock values in BOOKING_TIMEZONE.',
          security: [{ retellSignature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ref(requestId(name)) } } },
          responses: retellResponses,
        },
      },
    ]),
  );

  return {
    openapi: '3.1.0',
    info: {
      title: 'booking-ledger',
      version: version(),
      description:
        "Event-sourced booking service between a Retell voice agent and Cal.com. A booking is confirmed only once Cal.com's BOOKING_CREATED webhook proves it. Signatures are checked only when RETELL_API_KEY / CALCOM_WEBHOOK_SECRET are set, the bearer token only when ADMIN_TOKEN is set (all required with NODE_ENV=production).",
    },
    tags: [
      { name: 'Retell functions', description: 'Called by the voice agent during a call' },
      { name: 'Cal.com', description: 'Webhooks from Cal.com' },
      { name: 'Read model', description: 'For analysts (bearer ADMIN_TOKEN)' },
      { name: 'Console', description: "The analysts' console in a browser (HTML)" },
      { name: 'Operations', description: 'Probes, metrics and this document; open' },
    ],
    paths: {
      ...functionPaths,
      ...consolePaths,
      '/retell/functions/{name}': {
        post: {
          operationId: 'unknown_function',
          tags: ['Retell functions'],
          summary: 'Any other function name',
          security: [{ retellSignature: [] }],
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '401': error('The signature is checked before the name (invalid_signature)'),
            '404': error(`No such function (unknown_function); this service offers ${retellFunctionNames.join(', ')}`),
          },
        },
      },
      '/retell/functions': {
        get: {
          operationId: 'listRetellFunctions',
          tags: ['Retell functions'],
          summary: 'The four functions with the JSON Schemas of their arguments, ready to paste into a Retell agent',
          security: [],
          parameters: parametersOf(retellFunctionsQuery.shape, 'query'),
          responses: { '200': json(ref('RetellFunctionList'), 'The functions'), '400': error('A query parameter is not one of its values (invalid_query)') },
        },
      },
      '/webhooks/calcom': {
        post: {
          operationId: 'receiveCalcomWebhook',
          tags: ['Cal.com'],
          summary: 'A Cal.com webhook delivery; answered 2xx only once durably recorded, redeliveries change nothing',
          security: [{ calcomSignature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('CalcomWebhook') } } },
          responses: {
            '200': json(ref('WebhookReceipt'), 'Recorded (or recognised as a redelivery)'),
            '400': error('Authentic but an unreadable booking trigger, or JSON nested deeper than 64 levels (invalid_webhook): kept verbatim for analysts, with delivery_id'),
            '401': error('X-Cal-Signature-256 does not match the body (invalid_signature); not recorded'),
            '413': error('The body is larger than 512 kB (body_too_large)'),
            '503': unavailable,
          },
        },
      },
      '/appointments': {
        get: {
          operationId: 'findAppointments',
          tags: ['Read model'],
          summary: 'Read-model rows by Retell call id or Cal.com uid (give at least one)',
          security: readAccess,
          parameters: parametersOf(appointmentsQuery.shape, 'query'),
          responses: {
            '200': json(ref('AppointmentList'), 'Matching rows, oldest request first'),
            '400': error('Neither call_id nor booking_uid, or one too long (invalid_query)'),
            '401': error('Missing or wrong bearer token (unauthorized)'),
            '503': unavailable,
          },
        },
      },
      '/bookings/{bookingId}/events': {
        get: {
          operationId: 'bookingEvents',
          tags: ['Read model'],
          summary: "A booking's event history, with the outside world's time and the store's recorded time",
          security: readAccess,
          parameters: parametersOf({ bookingId: bookingIdParam }, 'path'),
          responses: {
            '200': json(ref('BookingHistory'), 'Every event of stream booking-<bookingId>, oldest first'),
            '400': error('bookingId is not a UUID (invalid_booking_id)'),
            '401': error('Missing or wrong bearer token (unauthorized)'),
            '404': error('No events for this booking (booking_not_found)'),
            '503': unavailable,
          },
        },
      },
      '/incidents/timeline': {
        get: {
          operationId: 'incidentTimeline',
          tags: ['Read model'],
          summary: 'The analysts\' timeline of a call or a Cal.com uid (give exactly one): an HTML page, or JSON with Accept: application/json',
          security: readAccess,
          parameters: parametersOf(timelineQuery.shape, 'query'),
          responses: {
            '200': {
              description: 'The timeline: the incident page (HTML), JSON (Accept: application/json or format=json) or a Markdown download (format=markdown)',
              content: { 'text/html': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } }, 'text/markdown': { schema: { type: 'string' } } },
            },
            '400': error('Not exactly one of call_id and booking_uid, or as_of unreadable (invalid_query)'),
            '401': error('Missing or wrong bearer token, and no console session (unauthorized); a browser is sent to the sign-in page instead'),
            '404': {
              description: 'No events for it (HTML page, or no_events as JSON)',
              content: { 'text/html': { schema: { type: 'string' } }, 'application/json': { schema: ref('Error') } },
            },
            '503': unavailable,
          },
        },
      },
      '/webhooks/retell': {
        post: {
          operationId: 'receiveRetellWebhook',
          tags: ['Retell'],
          summary: 'Retell call webhooks (call_started, call_ended, call_analyzed): recorded once per call; call_ended looks up every booking of the call still without proof',
          security: [{ retellSignature: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['event', 'call'], properties: { event: { type: 'string' }, call: { type: 'object', required: ['call_id'], properties: { call_id: { type: 'string' } } } } } } } },
          responses: {
            '200': json({ type: 'object', properties: { status: { enum: ['recorded', 'duplicate', 'ignored'] }, event: { type: 'string' }, call_id: { type: 'string' }, looked_up: { type: 'array', items: { type: 'string' } } } }, 'Recorded (or a retry of one already recorded, or an event we do not record)'),
            '400': error('Not a Retell call webhook (invalid_webhook)'),
            '401': error('X-Retell-Signature rejected (invalid_signature)'),
            '503': unavailable,
          },
        },
      },
      '/healthz': {
        get: { operationId: 'healthz', tags: ['Operations'], summary: 'Liveness', security: [], responses: { '200': json(ref('Health'), 'The process is up') } },
      },
      '/readyz': {
        get: {
          operationId: 'readyz',
          tags: ['Operations'],
          summary: 'Readiness: the event store and read model answer, and no projection lags more than PROJECTION_LAG_LIMIT_MS',
          security: [],
          responses: { '200': json(ref('Readiness'), 'Ready'), '503': json(ref('Readiness'), 'Not ready; the failing checks say why') },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          tags: ['Operations'],
          summary: 'Prometheus metrics (text exposition format)',
          security: [],
          responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          tags: ['Operations'],
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        retellSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Retell-Signature',
          description: '`v=<unix ms>,d=<hex HMAC-SHA256 of the raw body followed by the timestamp, keyed by RETELL_API_KEY>`, at most 5 minutes old',
        },
        calcomSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Cal-Signature-256',
          description: 'hex HMAC-SHA256 of the raw body, keyed by CALCOM_WEBHOOK_SECRET',
        },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <ADMIN_TOKEN>' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'bl_admin_session', description: 'The console session cookie from POST /console/sign-in (GET requests only; never for a state-changing endpoint)' },
      },
    },
  };
};

let built: Json | undefined;
/** Built once per process. */
export const openApiDocument = (): Json => (built ??= buildOpenApiDocument());
