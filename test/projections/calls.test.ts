import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { toNewEvent } from '../../src/application/eventEnvelope';
import type { EventStore } from '../../src/application/ports/eventStore';
import { callStreamId, truthAuditStreamId } from '../../src/domain';
import {
  appointmentsProjectionDefinition as appointments,
  applyToAppointments,
  callerNumberPattern,
  findAuditFindings,
  findRecentCalls,
  rebuildProjection,
  runProjectionToEnd,
} from '../../src/projections';
import { UID, call687, call688 } from '../fixtures/incident';
import { resetDatabase, sqlTargets } from '../support/databases';
import { everythingVisible } from '../support/everythingVisible';
import { appendIncident, dumpTables } from './scenario';

const causation = () => ({ correlationId: randomUUID(), causationId: randomUUID() });

const callEvent = (type: string, data: { callId: string; occurredAt: string } & Record<string, unknown>) => toNewEvent({ type, data }, causation());
const answered = (callId: string, at: string, status: string, message: string, delivery = 1) =>
  callEvent('CallerAnswered', { callId, occurredAt: at, function: 'book_appointment', delivery, requestFingerprint: 'f', requestId: randomUUID(), status, message, latencyMs: 12 });
const retell = (callId: string, at: string, event: 'call_started' | 'call_ended', fromNumberMasked?: string) =>
  callEvent('RetellCallEventRecorded', { callId, occurredAt: at, event, agentId: 'agent_1', fromNumberMasked, call: {} });

/** The incident, and what its callers heard, and the end of call 688. */
const appendCalls = async (store: EventStore) => {
  await appendIncident(store);
  await store.appendToStream(callStreamId(call687.callId), [answered(call687.callId, '2025-10-06T09:05:23.000Z', 'confirmed', 'Ihr Termin ist gebucht.')]);
  await store.appendToStream(callStreamId(call688.callId), [
    retell(call688.callId, '2025-10-06T09:39:00.000Z', 'call_started', '+49******00'),
    answered(call688.callId, '2025-10-06T09:39:24.000Z', 'pending', 'Einen Moment bitte.'),
    answered(call688.callId, '2025-10-06T09:39:30.000Z', 'duplicate', 'Der Termin ist vergeben.', 2),
    retell(call688.callId, '2025-10-06T09:41:00.000Z', 'call_ended'),
  ]);
};

describe('a caller number as an analyst types it', () => {
  it.each([
    ['+49******00', '+49______00'],
    ['+49 *** *** 00', '+49______00'],
    ['4567', '%4567'],
    ['+4930123456', '+4930123456'],
    ['0151 234-567', '%151234567'], // a national number: stored numbers are E.164
  ])('%s is the pattern %s', (typed, pattern) => expect(callerNumberPattern(typed)).toBe(pattern));

  it.each(['', '7', '00', '007', 'abc', "4' OR 1=1", '%%', '12_34'])('%s is no caller number', (typed) => expect(callerNumberPattern(typed)).toBeUndefined());
});

describe.each(sqlTargets)('the calls of the analysts index on %s', (_target, openDb) => {
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await resetDatabase(db);
    store = await createPostgresEventStore(db);
    await appendCalls(store);
  });
  afterEach(() => store.close());

  it('given the incident, then each call has its practice, masked number, last answer, answer count and end', async () => {
    await everythingVisible(db, store);
    await runProjectionToEnd({ ...appointments, db, eventStore: store });
    const calls = await findRecentCalls(db);
    expect(calls.map((c) => c.callId)).toEqual([call688.callId, call687.callId]); // most recent first
    expect(calls[0]).toMatchObject({
      practiceId: 'default',
      fromNumberMasked: '+49******00',
      answers: 2,
      lastTold: { status: 'duplicate', message: 'Der Termin ist vergeben.', function: 'book_appointment' },
      endedAt: '2025-10-06T09:41:00.000Z',
      firstAt: '2025-10-06T09:39:00.000Z',
      lastAt: '2025-10-06T09:41:00.000Z',
    });
    expect(calls[0]!.bookings).toEqual([expect.objectContaining({ status: 'duplicate', calcomUid: UID })]);
    expect(calls[1]).toMatchObject({ answers: 1, lastTold: { status: 'confirmed' }, bookings: [expect.objectContaining({ status: 'confirmed', calcomUid: UID })] });
  });

  it('given any batching, when rebuilt or applied again, then the rows are the same', async () => {
    await everythingVisible(db, store);
    await runProjectionToEnd({ ...appointments, db, eventStore: store, batchSize: 1 });
    const tables = ['bl_calls', 'bl_audit_findings'];
    const one = await dumpTables(db, tables);
    await rebuildProjection({ ...appointments, db, eventStore: store, truncate: appointments.tables, batchSize: 1000 });
    expect(await dumpTables(db, tables)).toEqual(one);
    const all = await store.readAll();
    await db.transaction(async (tx) => {
      for (const event of all) await applyToAppointments(tx, event);
    });
    expect(await dumpTables(db, tables)).toEqual(one);
  });

  it('when searched, then only the calls that match every filter are listed', async () => {
    await everythingVisible(db, store);
    await runProjectionToEnd({ ...appointments, db, eventStore: store });
    const ids = async (filter: Parameters<typeof findRecentCalls>[1]) => (await findRecentCalls(db, filter)).map((c) => c.callId).sort();
    expect(await ids({ callId: call687.callId })).toEqual([call687.callId]);
    expect(await ids({ bookingUid: UID })).toEqual([call687.callId, call688.callId].sort());
    expect(await ids({ callerNumberLike: callerNumberPattern('+49******00') })).toEqual([call688.callId]);
    expect(await ids({ from: new Date('2025-10-06T09:30:00Z'), to: new Date('2025-10-07T00:00:00Z') })).toEqual([call688.callId]);
    expect(await ids({ from: new Date('2025-10-07T00:00:00Z'), to: new Date('2025-10-08T00:00:00Z') })).toEqual([]);
    expect(await ids({ practiceId: 'default' })).toHaveLength(2);
    expect(await ids({ practiceId: 'other' })).toEqual([]);
  });

  it('given a recorded truth-audit finding, then it is listed with its call, and filtered by the call’s practice', async () => {
    const finding = { occurredAt: '2025-10-06T10:00:00.000Z', kind: 'told_confirmed_not_confirmed', callId: call688.callId, toldAt: '2025-10-06T09:39:30.000Z', detail: 'told confirmed; the ledger says duplicate' };
    await store.appendToStream(truthAuditStreamId('k1'), [toNewEvent({ type: 'TruthAuditFindingRecorded', data: finding }, causation(), call688.callId)]);
    await everythingVisible(db, store);
    await runProjectionToEnd({ ...appointments, db, eventStore: store });
    await expect(findAuditFindings(db)).resolves.toEqual([expect.objectContaining({ kind: finding.kind, callId: call688.callId, detail: finding.detail, toldAt: finding.toldAt })]);
    await expect(findAuditFindings(db, 'default')).resolves.toHaveLength(1);
    await expect(findAuditFindings(db, 'other')).resolves.toEqual([]);
  });
});
