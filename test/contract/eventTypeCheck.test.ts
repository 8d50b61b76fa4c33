import nock from 'nock';
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/adapters/config/config';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { createSqlEventHistory } from '../../src/adapters/eventStore/postgres/sqlEventHistory';
import { startService } from '../../src/adapters/service';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { unauthorized } from '../fixtures/calcom/apiAnswers';
import { eventTypeAnswer } from '../fixtures/calcom/eventTypes';
import { openMemoryPglite, resetDatabase } from '../support/databases';
import { CALCOM_BASE } from '../support/testService';

/** At start the service checks the event type it will book: seated, unknown or unreadable ones stop it. */
describe('the event type check at start', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    db = await openMemoryPglite();
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await db.close();
    nock.enableNetConnect();
  });

  const start = async () => {
    await resetDatabase(db);
    const eventStore = await createPostgresEventStore(db);
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) }));
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', CALCOM_API_URL: `${CALCOM_BASE}/v2`, CALCOM_API_KEY: 'cal_live_x', CALCOM_EVENT_TYPE_ID: '2563193', CALCOM_TIMEOUT_MS: '300' });
    const started = startService({ config, stores: { eventStore, readModel: db, history: createSqlEventHistory(db), close: async () => undefined }, logger });
    return { started, logs };
  };
  const eventType = (status: number, body: unknown) => nock(CALCOM_BASE).get('/v2/event-types/2563193').matchHeader('cal-api-version', '2024-06-14').reply(status, body as nock.Body);

  it('refuses a seated event type with a message that says what to change', async () => {
    eventType(200, eventTypeAnswer({ id: 2563193, seatsPerTimeSlot: 4 }));
    await expect((await start()).started).rejects.toThrow(/CALCOM_EVENT_TYPE_ID: event type 2563193 is seated \(4 seats per slot\); seats are not supported/);
  });

  it('refuses an event type Cal.com does not know, and an API key it refuses', async () => {
    eventType(404, { status: 'error', error: { code: 'NotFoundException', message: 'Event type with id=2563193 not found' } });
    await expect((await start()).started).rejects.toThrow(/CALCOM_EVENT_TYPE_ID: Cal.com has no event type 2563193/);
    const refused = unauthorized();
    eventType(refused.status, refused.body);
    await expect((await start()).started).rejects.toThrow(/CALCOM_API_KEY: Cal.com refused it \(HTTP 401/);
  });

  it('starts with a warning naming required booking fields the agent cannot fill', async () => {
    eventType(200, eventTypeAnswer({ id: 2563193, requiresConfirmation: true, extraFields: [{ type: 'text', slug: 'insuranceNumber', required: true }] }));
    const { started, logs } = await start();
    const service = await started;
    await service.stop();
    expect(logs.join('')).toMatch(/"alert":"calcom_misconfigured".*"fields":\["insuranceNumber"\]/);
    expect(logs.join('')).toMatch(/"requiresConfirmation":true/);
  });

  it('starts when Cal.com cannot be reached, saying the check was skipped', async () => {
    nock(CALCOM_BASE).get('/v2/event-types/2563193').times(3).replyWithError({ code: 'ECONNREFUSED' });
    const { started, logs } = await start();
    const service = await started;
    await service.stop();
    expect(logs.join('')).toMatch(/Cal.com could not be reached to check the event type/);
  });
});
