import type { AgentAnswer } from '../../src/application/agentAnswer';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { CallStreamSummary } from '../../src/application/callStreamSummary';
import type { CalcomClient } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { createRecentStreams } from '../../src/application/recentStreams';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { recordCallerAnswer } from '../../src/application/useCases/recordCallerAnswer';
import { receiveRetellWebhook } from '../../src/application/useCases/receiveRetellWebhook';
import { callStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { testSettings } from '../support/settings';

/**
 * A call's answers and Retell events are appended on the version this process knows of the call's
 * stream (what it appended or read there last; for a call it never saw, an empty stream) instead of
 * reading the stream first. A guess that another process made stale is refused on its version and the
 * stream is read: the numbering of deliveries and the once-only Retell events stay exact.
 */
const answer: AgentAnswer = { success: true, status: 'confirmed', message: 'Der Termin ist gebucht.' };

describe.each(sqlTargets)('the call streams a process remembers (%s)', (_name, openDb) => {
  let db: SqlDatabase;
  let store: EventStore;
  let n = 0;
  beforeAll(async () => {
    db = await openDb();
    store = await createPostgresEventStore(db);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  /** A process: the store counting its reads of call streams, and a memory of its own (none: `memory: false`). */
  const givenProcess = ({ memory = true } = {}) => {
    let reads = 0;
    const counted: EventStore = {
      ...store,
      readStream: (streamId, options) => {
        if (streamId.startsWith(callStreamId(''))) reads += 1;
        return store.readStream(streamId, options);
      },
    };
    const deps: UseCaseDeps = {
      store: counted,
      calcom: {} as CalcomClient,
      telemetry: silentTelemetry,
      settings: testSettings(),
      now: () => new Date(),
      ...(memory && { recentCalls: createRecentStreams<CallStreamSummary>() }),
    };
    const answerCall = (callId: string, fn: string, args: Record<string, unknown> = {}) =>
      recordCallerAnswer(deps, { callId, requestId: `req-${fn}` }, { fn, args, answer, latencyMs: 12 });
    const retell = (callId: string, event: string) => receiveRetellWebhook(deps, JSON.stringify({ event, call: { call_id: callId, call_status: 'ongoing', agent_id: 'agent_1' } }));
    return { deps, answerCall, retell, reads: () => reads };
  };
  const givenCall = () => `call_memory_${(n += 1)}_${Date.now()}`;
  const answersIn = async (callId: string) =>
    (await store.readStream(callStreamId(callId))).map((e) => [e.type, (e.data as { function?: string; event?: string; delivery?: number }).function ?? (e.data as { event?: string }).event, (e.data as { delivery?: number }).delivery]);

  it('given a call this process took from its start, when it answers three function calls (one of them twice), then none reads the stream and the repeat is numbered 2', async () => {
    const callId = givenCall();
    const one = givenProcess();

    expect((await one.retell(callId, 'call_started')).result).toBe('recorded');
    expect(await one.answerCall(callId, 'check_availability', { date: '2031-11-03' })).toBe(1);
    expect(await one.answerCall(callId, 'book_appointment', { time: '10:00' })).toBe(1);
    expect(await one.answerCall(callId, 'book_appointment', { time: '10:00' })).toBe(2);

    expect(one.reads()).toBe(0);
    expect(await answersIn(callId)).toEqual([
      ['RetellCallEventRecorded', 'call_started', undefined],
      ['CallerAnswered', 'check_availability', 1],
      ['CallerAnswered', 'book_appointment', 1],
      ['CallerAnswered', 'book_appointment', 2],
    ]);
  });

  it('given another process answered the same function call since this one remembered the stream, when this one answers it, then its stale version is refused, it reads, and numbers its delivery 2', async () => {
    const callId = givenCall();
    const one = givenProcess();
    const other = givenProcess();
    await one.answerCall(callId, 'check_availability');
    await other.answerCall(callId, 'book_appointment'); // guesses an empty stream: refused, reads

    expect(await one.answerCall(callId, 'book_appointment')).toBe(2);

    expect(other.reads()).toBe(1);
    expect(one.reads()).toBe(1);
    expect(await answersIn(callId)).toEqual([
      ['CallerAnswered', 'check_availability', 1],
      ['CallerAnswered', 'book_appointment', 1],
      ['CallerAnswered', 'book_appointment', 2],
    ]);
  });

  it('given six deliveries of one function call at once on one process, when each is answered, then they are numbered 1 to 6', async () => {
    const callId = givenCall();
    const one = givenProcess();

    const numbers = await Promise.all(Array.from({ length: 6 }, () => one.answerCall(callId, 'book_appointment', { time: '10:00' })));

    expect([...numbers].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await answersIn(callId)).map(([, , delivery]) => delivery)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('given Retell events this process recorded and one another process recorded, when each is delivered again here, then each is a duplicate: the remembered one without a read, the other after its refused guess', async () => {
    const callId = givenCall();
    const one = givenProcess();
    const other = givenProcess();
    await one.retell(callId, 'call_started');
    await other.retell(callId, 'call_analyzed');
    const readsBefore = one.reads();

    expect((await one.retell(callId, 'call_started')).result).toBe('duplicate');
    expect(one.reads() - readsBefore).toBe(0);
    expect((await one.retell(callId, 'call_analyzed')).result).toBe('duplicate');
    expect(one.reads() - readsBefore).toBe(1);
    expect((await answersIn(callId)).map(([, event]) => event)).toEqual(['call_started', 'call_analyzed']);
  });

  it('given a process without a memory (a use case built without one), when it answers, then it reads the stream first, as before', async () => {
    const callId = givenCall();
    const plain = givenProcess({ memory: false });

    expect(await plain.answerCall(callId, 'book_appointment')).toBe(1);
    expect(await plain.answerCall(callId, 'book_appointment')).toBe(2);
    expect(plain.reads()).toBe(2);
  });
});

describe('createRecentStreams', () => {
  it('given more streams than its size, when another is remembered, then the one remembered longest ago is forgotten', () => {
    const recent = createRecentStreams<string>(2);
    recent.set('a', 1, 'a1');
    recent.set('b', 1, 'b1');
    recent.set('a', 2, 'a2'); // a is now the newest
    recent.set('c', 1, 'c1');

    expect(recent.get('b')).toBeUndefined();
    expect(recent.get('a')).toEqual({ version: 2, value: 'a2' });
    expect(recent.get('c')).toEqual({ version: 1, value: 'c1' });
  });

  it('given a newer version known, when an older one is remembered (a slow read coming back late), then the newer one stays', () => {
    const recent = createRecentStreams<string>();
    recent.set('a', 3, 'a3');
    recent.set('a', 2, 'a2');

    expect(recent.get('a')).toEqual({ version: 3, value: 'a3' });
  });
});
