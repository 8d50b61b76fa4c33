import fc from 'fast-check';
import { decide, evolve, foldBooking, initialState, type Booking, type BookingCommand, type ReconcileLookup, type WebhookDelivery } from '../../src/domain';
import { BOOKING, CALL, runScenario, scenarioArb, type Scenario, type Trace } from './deciderScenario';

/**
 * Properties of the Booking decider over arbitrary interleavings and duplications of Cal.com answers,
 * failures, webhook deliveries (every trigger; matching, foreign, metadata-less, other uid; redelivered
 * under the same id and re-sent under new ids), reconciliations and agent cancellations.
 * Outcomes are judged against the generated inputs, not against the decider's own helpers.
 */

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 400) };

const webhookOf = (command: BookingCommand): WebhookDelivery | undefined => (command.type === 'RecordWebhook' ? command.data.delivery : undefined);

/**
 * The Cal.com uids Cal.com gave this booking together with our metadata, by the inputs alone, before
 * step `upTo`: uids of answers that carried our booking_ref or our call_id, uids of BOOKING_REQUESTED
 * / BOOKING_CREATED deliveries with our call id and our booking_ref, and new uids of moves
 * (BOOKING_RESCHEDULED, or BOOKING_REQUESTED naming an old uid). Deliberately generous.
 */
const candidateUids = (trace: Trace, upTo: number): Set<string> => {
  const uids = new Set<string>();
  trace.steps.slice(0, upTo).forEach(({ command, before }) => {
    if (before.status === 'none') return;
    if (command.type === 'RecordCalcomAnswer') {
      const { metadata, uid } = command.data.answer;
      if (metadata.booking_ref === BOOKING || metadata.call_id === CALL) uids.add(uid);
    }
    const delivery = webhookOf(command);
    // A move: BOOKING_RESCHEDULED, or BOOKING_REQUESTED with the old uid when the host must confirm the new time.
    if (delivery?.triggerEvent === 'BOOKING_RESCHEDULED' || (delivery?.triggerEvent === 'BOOKING_REQUESTED' && delivery.rescheduleUid !== undefined)) uids.add(delivery.uid);
    if (delivery && delivery.metadata.call_id === CALL && delivery.metadata.booking_ref === BOOKING) uids.add(delivery.uid);
  });
  return uids;
};

/** Our call id in Cal.com's stored booking, by a lookup. */
const backsUp = (lookup: ReconcileLookup | undefined) => lookup?.outcome === 'found' && lookup.calcomStatus === 'accepted' && lookup.metadataCallId === CALL;

/**
 * Proof at step `index`: a BOOKING_CREATED with our call id that concerns this booking (booking_ref, or
 * one of its uids); or a metadata-less BOOKING_CREATED for one of its uids (the host accepted), backed up
 * by a lookup at this step or later (VerifyHostAcceptance).
 */
const provesBooking = (trace: Trace, index: number): boolean => {
  const step = trace.steps[index]!;
  if (step.before.status === 'none') return false;
  if (movesProvenBooking(trace, index)) return true;
  if (step.command.type === 'VerifyHostAcceptance') {
    return backsUp(step.command.data.lookup) && trace.steps.slice(0, index).some((_, j) => isHostAcceptance(trace, j));
  }
  const delivery = webhookOf(step.command);
  if (!delivery || delivery.triggerEvent !== 'BOOKING_CREATED') return false;
  if (isHostAcceptance(trace, index)) return backsUp(step.command.type === 'RecordWebhook' ? step.command.data.lookup : undefined);
  if (delivery.metadata.call_id !== CALL) return false;
  const uids = candidateUids(trace, index);
  return delivery.metadata.booking_ref === BOOKING || uids.has(delivery.uid) || (delivery.rescheduleUid !== undefined && uids.has(delivery.uid));
};

/**
 * A BOOKING_RESCHEDULED from the booking's uid of the moment to a new uid, after an earlier step proved
 * the booking: Cal.com moved a booking it had proven (also one whose move the reconciler gave up on).
 */
const movesProvenBooking = (trace: Trace, index: number): boolean => {
  const { command, before } = trace.steps[index]!;
  const delivery = webhookOf(command);
  if (delivery?.triggerEvent !== 'BOOKING_RESCHEDULED' || delivery.rescheduleUid !== before.uid || delivery.uid === delivery.rescheduleUid) return false;
  return trace.steps.slice(0, index).some((_, j) => provesBooking(trace, j));
};

const isHostAcceptance = (trace: Trace, index: number): boolean => {
  const delivery = webhookOf(trace.steps[index]!.command);
  if (!delivery || delivery.triggerEvent !== 'BOOKING_CREATED' || trace.steps[index]!.before.status === 'none') return false;
  return !delivery.metadata.call_id && !delivery.metadata.booking_ref && candidateUids(trace, index).has(delivery.uid);
};

const describeScenario = (scenario: Scenario, trace: Trace) =>
  trace.steps.map((s, i) => `${i}: ${s.command.type} ${JSON.stringify(webhookOf(s.command) ?? (s.command.type === 'RecordCalcomAnswer' ? s.command.data : ''))} -> [${s.produced.map((e) => e.type).join(', ')}] ${s.after.status}`).join('\n') +
  `\n(scenario steps: ${scenario.steps.length})`;

/** Every property over any history, and over a booking proven first that then meets moves (reschedule_appointment) as often as anything else. */
const histories: Array<[string, () => fc.Arbitrary<Scenario>]> = [
  ['any history', () => scenarioArb()],
  ['a proven booking, then moves among everything else', () => scenarioArb({ confirmedFirst: true })],
];

describe.each(histories)('Booking decider properties (fast-check): %s', (_history, scenarios) => {
  it('(a) is confirmed only after a BOOKING_CREATED with our call_id that concerns this booking', () => {
    fc.assert(
      fc.property(scenarios(), (scenario) => {
        const trace = runScenario(scenario);
        trace.steps.forEach((step, i) => {
          if (step.after.status !== 'confirmed') return;
          // Becoming confirmed happens exactly on such a delivery …
          if (step.before.status !== 'confirmed' && !provesBooking(trace, i)) {
            throw new Error(`step ${i} confirmed without proof:\n${describeScenario(scenario, trace)}`);
          }
          // … and staying confirmed needs one applied at or before this step.
          if (!trace.steps.slice(0, i + 1).some((_, j) => provesBooking(trace, j))) {
            throw new Error(`confirmed at step ${i} with no proving delivery:\n${describeScenario(scenario, trace)}`);
          }
        });
      }),
      RUNS,
    );
  });

  it('(b) is deterministic, and folding the events equals the state built step by step', () => {
    fc.assert(
      fc.property(scenarios(), (scenario) => {
        const first = runScenario(scenario);
        const second = runScenario(scenario);
        expect(second.events).toEqual(first.events);
        expect(second.state).toEqual(first.state);
        expect(foldBooking(first.events)).toEqual(first.state);
        expect(foldBooking(structuredClone(first.events))).toEqual(first.state);
        let prefix = 0;
        for (const step of first.steps) {
          prefix += step.produced.length;
          expect(foldBooking(first.events.slice(0, prefix))).toEqual(step.after);
        }
      }),
      RUNS,
    );
  });

  /*
   * In the service a redelivery under the same id stops at its delivery stream; the decider sees a delivery
   * again only when a cut-off settling is resumed, and then it must change nothing. A delivery that found
   * nothing to do the first time may be recorded as a mismatch now (the booking moved away from its uid).
   */
  it('(c) changes nothing for a redelivery of a delivery it already received (at most a mismatch is recorded)', () => {
    fc.assert(
      fc.property(scenarios(), (scenario) => {
        const trace = runScenario(scenario);
        const received = new Set<string>();
        trace.steps.forEach((step, i) => {
          const delivery = webhookOf(step.command);
          if (!delivery) return;
          const withoutDeliveries = (state: Booking) => JSON.stringify({ ...state, deliveries: [] });
          const changed = step.produced.some((e) => e.type !== 'WebhookMismatchRecorded') || withoutDeliveries(step.after) !== withoutDeliveries(step.before);
          if (received.has(delivery.deliveryId) && changed) {
            throw new Error(`redelivery ${delivery.deliveryId} at step ${i} appended ${step.produced.map((e) => e.type)}:\n${describeScenario(scenario, trace)}`);
          }
          if (step.before.status !== 'none') received.add(delivery.deliveryId);
        });
      }),
      RUNS,
    );
  });

  it('(d) records BookingConfirmedByWebhook once per proof: again only after a move to a time the host must confirm', () => {
    fc.assert(
      fc.property(scenarios(), (scenario) => {
        const trace = runScenario(scenario);
        let proven = false;
        for (const event of trace.events) {
          if (event.type === 'BookingRescheduled' && event.data.awaitingHost) proven = false;
          if (event.type !== 'BookingConfirmedByWebhook') continue;
          if (proven) throw new Error(`a second confirmation of the same proof:\n${describeScenario(scenario, trace)}`);
          proven = true;
        }
      }),
      RUNS,
    );
  });

  it('(f) never confirms (or reopens) a booking after it was cancelled or rejected', () => {
    fc.assert(
      fc.property(scenarios(), (scenario) => {
        const trace = runScenario(scenario);
        // Once ended, the booking keeps the first of cancelled and rejected, whoever tells the second.
        let ended: string | undefined;
        trace.steps.forEach((step, i) => {
          if (ended !== undefined && step.after.status !== ended) {
            throw new Error(`step ${i} left ${step.before.status} for ${step.after.status}:\n${describeScenario(scenario, trace)}`);
          }
          if (step.after.status === 'cancelled' || step.after.status === 'rejected') ended = step.after.status;
        });
      }),
      RUNS,
    );
  });

  it('(g) takes no uid it does not own: never confirmed with one, never cancels one (a valid signature proves nothing about uids)', () => {
    fc.assert(
      fc.property(scenarios(), (scenario) => {
        const trace = runScenario(scenario);
        const owned = (uid: string | undefined) => uid !== undefined && scenario.owners[uid] === BOOKING;
        trace.steps.forEach((step, i) => {
          if (step.after.uid !== undefined && step.after.uid !== step.before.uid && !owned(step.after.uid)) {
            throw new Error(`step ${i} took uid ${step.after.uid} owned by ${scenario.owners[step.after.uid]}:\n${describeScenario(scenario, trace)}`);
          }
          for (const event of step.produced) {
            if ((event.type === 'BookingConfirmedByWebhook' || event.type === 'BookingCancelled') && !owned(event.data.uid)) {
              throw new Error(`step ${i}: ${event.type} for uid ${event.data.uid} owned by ${scenario.owners[event.data.uid]}:\n${describeScenario(scenario, trace)}`);
            }
          }
          if (step.after.status === 'confirmed' && !owned(step.after.uid)) throw new Error(`confirmed with ${step.after.uid} at step ${i}`);
        });
      }),
      RUNS,
    );
  });

});

describe('Booking decider properties (fast-check)', () => {
  it('(e) produces no event for a booking that was never requested', () => {
    fc.assert(
      fc.property(scenarioArb({ requestFirst: fc.constant(false) }), (scenario) => {
        const trace = runScenario(scenario);
        const firstRequest = trace.steps.findIndex((s) => s.command.type === 'RequestBooking');
        const before = firstRequest === -1 ? trace.steps : trace.steps.slice(0, firstRequest);
        for (const step of before) {
          expect(step.produced).toEqual([]);
          expect(step.after).toEqual(initialState());
        }
        if (firstRequest === -1) expect(trace.events).toEqual([]);
        // Every event names this booking and this call.
        for (const event of trace.events) expect(event.data).toMatchObject({ bookingId: BOOKING, callId: CALL });
      }),
      RUNS,
    );
  });
});


describe('cancelled and rejected bookings are final for webhooks arriving in any order', () => {
  const now = '2031-05-01T09:10:00.000Z';
  const ours = (deliveryId: string, triggerEvent: WebhookDelivery['triggerEvent']): BookingCommand => ({
    type: 'RecordWebhook',
    data: {
      delivery: { deliveryId, triggerEvent, uid: 'uid-ours', startTime: '2031-05-12T07:00:00.000Z', metadata: { call_id: CALL, booking_ref: BOOKING }, createdAt: now },
      uidOwner: BOOKING,
      now,
    },
  });
  const play = (...commands: BookingCommand[]) => {
    const scenario: Scenario = { attendee: { name: 'A', email: 'a@example.org' }, owners: {}, lookups: [], deliveries: [], steps: [{ step: { kind: 'request' }, at: Date.parse(now) }] };
    let state = runScenario(scenario).state;
    const produced = commands.map((command) => {
      const events = decide(command, state);
      state = events.reduce(evolve, state);
      return events;
    });
    return { state, produced };
  };

  it('a second BOOKING_CREATED after an agent cancellation records no second confirmation', () => {
    const { produced } = play(ours('d-1', 'BOOKING_CREATED'), { type: 'RecordAgentCancellation', data: { now } }, ours('d-2', 'BOOKING_CREATED'));
    expect(produced[2]).toEqual([]);
  });

  it('webhooks arriving CANCELLED, REQUESTED, CREATED leave the booking cancelled, not confirmed', () => {
    const { state } = play(ours('d-c', 'BOOKING_CANCELLED'), ours('d-r', 'BOOKING_REQUESTED'), ours('d-k', 'BOOKING_CREATED'));
    expect(state.status).toBe('cancelled');
  });

  it('a BOOKING_REQUESTED after BOOKING_REJECTED leaves the booking rejected', () => {
    const { state } = play(ours('d-x', 'BOOKING_REJECTED'), ours('d-r', 'BOOKING_REQUESTED'));
    expect(state.status).toBe('rejected');
  });
});
