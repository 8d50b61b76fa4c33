import fc from 'fast-check';
import {
  BookingRuleViolation,
  decide,
  evolve,
  initialState,
  type Attendee,
  type Booking,
  type BookingCommand,
  type BookingEvent,
  type CalcomAnswer,
  type CalcomFailureReason,
  type ReconcileLookup,
  type WebhookDelivery,
  type WebhookTrigger,
} from '../../src/domain';

/**
 * Generated scenarios for the Booking decider: one booking request plus an arbitrary interleaving
 * and duplication of everything the outside world can do to it. The generated inputs are kept in
 * plain form so that properties can judge outcomes against them, not against the decider's helpers.
 */

export const BOOKING = '3f8a2c9e-1d7b-5e4f-9a6c-0b1d2e3f4a5b';
export const OTHER_BOOKING = '7c1d2e3f-4a5b-5c6d-8e9f-0a1b2c3d4e5f';
export const CALL = 'call_ours_4c2f9a';
export const OTHER_CALL = 'call_other_7b1e0d';
export const SLOT = '2031-05-12T07:00:00.000Z';
export const OTHER_SLOT = '2031-05-12T08:00:00.000Z';
export const START = Date.parse('2031-05-01T09:00:00.000Z');
export const UIDS = ['uid-ours', 'uid-other', 'uid-new', 'uid-4th'] as const;

const ATTENDEES: Attendee[] = [
  { name: 'Hansi Sputer', email: 'hansi@example.org' },
  { name: 'Hansi Sputer', phoneNumber: '+4917612345678' },
  { name: 'Hansi Sputer', email: 'call-call_ours_4c2f9a@placeholder.invalid' },
];
const OTHER_ATTENDEE: Attendee = { name: 'Someone Else', email: 'else@example.org' };

/** Metadata as Cal.com might carry it: ours, another call's, partial, empty string, missing. */
const metadataArb = fc
  .record({
    callId: fc.constantFrom<string | undefined>(CALL, OTHER_CALL, '', undefined),
    bookingRef: fc.constantFrom<string | undefined>(BOOKING, OTHER_BOOKING, undefined),
    extra: fc.boolean(),
  })
  .map(({ callId, bookingRef, extra }) => {
    const metadata: Record<string, string> = {};
    if (callId !== undefined) metadata.call_id = callId;
    if (bookingRef !== undefined) metadata.booking_ref = bookingRef;
    if (extra) metadata.videoCallUrl = 'https://cal.example/video/x';
    return metadata;
  });

const answerArb = fc.record({
  uid: fc.constantFrom(...UIDS),
  calcomBookingId: fc.integer({ min: 1, max: 5 }),
  httpStatus: fc.constantFrom(200, 201),
  status: fc.constantFrom('accepted', 'pending'),
  start: fc.constantFrom(SLOT, SLOT, OTHER_SLOT),
  /** Relative to the step's clock: fresh, slightly skewed, stale (the incident), absent, garbage. */
  createdAt: fc.constantFrom<'fresh' | 'skewed' | 'stale' | 'absent' | 'garbage'>('fresh', 'skewed', 'stale', 'absent', 'garbage'),
  metadata: metadataArb,
  attendees: fc.constantFrom<'ours' | 'other' | 'none' | 'both'>('ours', 'other', 'none', 'both'),
});
export type GeneratedAnswer = typeof answerArb extends fc.Arbitrary<infer T> ? T : never;

const failureArb = fc.record({
  reason: fc.constantFrom<CalcomFailureReason>('timeout', 'network', 'server_error', 'rate_limited', 'circuit_open', 'rejected'),
  httpStatus: fc.constantFrom<number | undefined>(undefined, 400, 401, 404, 409, 422, 429, 500, 502, 503),
  message: fc.constantFrom('User either already has booking at this time or is not available', 'booking_conflict', 'Internal server error', 'timeout of 1500ms exceeded', ''),
  latencyMs: fc.integer({ min: 0, max: 20_000 }),
});

/** A fact Cal.com may tell by webhook; each fact is delivered under one or more delivery ids. */
const webhookFactArb = fc.record({
  triggerEvent: fc.constantFrom<WebhookTrigger>('BOOKING_CREATED', 'BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_CANCELLED', 'BOOKING_REJECTED', 'BOOKING_RESCHEDULED'),
  uid: fc.constantFrom(...UIDS),
  rescheduleUid: fc.constantFrom<string | undefined>(undefined, ...UIDS),
  startTime: fc.constantFrom<string | undefined>(SLOT, OTHER_SLOT, undefined),
  metadata: metadataArb,
  calcomBookingId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  reason: fc.option(fc.constantFrom('Host unavailable', 'Kunde sagt ab'), { nil: undefined }),
  createdAtOffsetMs: fc.integer({ min: -60_000, max: 3_600_000 }),
  /** How many different delivery ids Cal.com uses for this same fact. */
  copies: fc.integer({ min: 1, max: 2 }),
  lookup: fc.constantFrom<ReconcileLookup>({ outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL }, { outcome: 'found', calcomStatus: 'accepted', metadataCallId: OTHER_CALL }, { outcome: 'unreachable' }, { outcome: 'not_found' }),
});

/** What GET /v2/bookings/{uid} may say. */
export const lookupArb = fc.constantFrom<ReconcileLookup>(
  { outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL },
  { outcome: 'found', calcomStatus: 'accepted', metadataCallId: OTHER_CALL },
  { outcome: 'found', calcomStatus: 'pending', metadataCallId: OTHER_CALL },
  { outcome: 'found', calcomStatus: 'cancelled' },
  { outcome: 'not_found' },
  { outcome: 'not_looked_up' },
  { outcome: 'unreachable' },
);

const reconcileArb = fc.record({
  lookup: lookupArb,
  windowMs: fc.constantFrom(0, 60_000, 15 * 60_000, 24 * 3_600_000),
});

export type Step =
  | { kind: 'request' }
  | { kind: 'answer'; answer: GeneratedAnswer }
  | { kind: 'failure'; failure: typeof failureArb extends fc.Arbitrary<infer T> ? T : never }
  | { kind: 'webhook'; pick: number }
  | { kind: 'reconcile'; reconcile: typeof reconcileArb extends fc.Arbitrary<infer T> ? T : never }
  | { kind: 'verify'; lookup: ReconcileLookup }
  | { kind: 'cancel'; reason?: string }
  | { kind: 'cancelLookup'; lookup: ReconcileLookup }
  | { kind: 'moveRequest'; moveId: string; toSlot: string }
  | { kind: 'moveAnswer'; moveId: string; answer: GeneratedAnswer; rescheduledFrom?: string }
  | { kind: 'moveFailure'; moveId: string; failure: typeof failureArb extends fc.Arbitrary<infer T> ? T : never };

/** Two moves a caller might ask for (reschedule_appointment); retried deliveries share the id. */
const MOVE_IDS = ['move-1', 'move-2'] as const;

/** Cal.com's answer to a reschedule: mostly about this booking at the new time, sometimes anything. */
const moveAnswerArb = fc.oneof(
  { weight: 1, arbitrary: answerArb },
  {
    weight: 2,
    arbitrary: fc
      .tuple(answerArb, fc.constantFrom(OTHER_SLOT, OTHER_SLOT, SLOT), fc.constantFrom('uid-new', 'uid-new', ...UIDS))
      .map(([answer, start, uid]) => ({ ...answer, uid, start, metadata: { call_id: CALL, booking_ref: BOOKING } })),
  },
);

/** `moves`: the weight of each of the three move steps (moves need a booking Cal.com holds). */
const stepArb = (moves: number): fc.Arbitrary<Step> => fc.oneof(
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'request' }) },
  { weight: 3, arbitrary: answerArb.map((answer): Step => ({ kind: 'answer', answer })) },
  { weight: 2, arbitrary: failureArb.map((failure): Step => ({ kind: 'failure', failure })) },
  { weight: 7, arbitrary: fc.nat({ max: 1000 }).map((pick): Step => ({ kind: 'webhook', pick })) },
  { weight: 2, arbitrary: reconcileArb.map((reconcile): Step => ({ kind: 'reconcile', reconcile })) },
  { weight: 1, arbitrary: lookupArb.map((lookup): Step => ({ kind: 'verify', lookup })) },
  { weight: 1, arbitrary: fc.option(fc.constantFrom('changed plans', 'krank'), { nil: undefined }).map((reason): Step => ({ kind: 'cancel', reason })) },
  { weight: 1, arbitrary: lookupArb.map((lookup): Step => ({ kind: 'cancelLookup', lookup })) },
  { weight: moves, arbitrary: fc.record({ moveId: fc.constantFrom(...MOVE_IDS), toSlot: fc.constantFrom(OTHER_SLOT, OTHER_SLOT, SLOT) }).map((m): Step => ({ kind: 'moveRequest', ...m })) },
  {
    weight: moves,
    arbitrary: fc
      .record({ moveId: fc.constantFrom(...MOVE_IDS), answer: moveAnswerArb, rescheduledFrom: fc.constantFrom<string | undefined>(undefined, 'uid-ours', 'uid-ours', ...UIDS) })
      .map(({ moveId, answer, rescheduledFrom }): Step => ({ kind: 'moveAnswer', moveId, answer, ...(rescheduledFrom !== undefined && { rescheduledFrom }) })),
  },
  { weight: moves, arbitrary: fc.record({ moveId: fc.constantFrom(...MOVE_IDS), failure: failureArb }).map((m): Step => ({ kind: 'moveFailure', ...m })) },
);

/** Who holds each uid's claim in this scenario's world (one owner per uid, or none). */
export type UidOwners = Record<string, string | undefined>;

export interface Scenario {
  attendee: Attendee;
  owners: UidOwners;
  /** The lookup the use case would make for each delivery (used when the decider needs one). */
  lookups: ReconcileLookup[];
  deliveries: WebhookDelivery[];
  /** Each step with the clock (ms) at which it happens. */
  steps: Array<{ step: Step; at: number }>;
}

/** The BOOKING_CREATED that proves the booking of a `confirmedFirst` scenario (delivery `d-proof`). */
const PROOF: WebhookDelivery = {
  deliveryId: 'd-proof',
  triggerEvent: 'BOOKING_CREATED',
  uid: 'uid-ours',
  calcomBookingId: 1,
  startTime: SLOT,
  metadata: { call_id: CALL, booking_ref: BOOKING },
  createdAt: new Date(START + 800).toISOString(),
};
/** Cal.com's BOOKING_RESCHEDULED of that booking to uid-new at the other slot (delivery `d-moved`). */
const MOVED: WebhookDelivery = { ...PROOF, deliveryId: 'd-moved', triggerEvent: 'BOOKING_RESCHEDULED', uid: 'uid-new', rescheduleUid: 'uid-ours', startTime: OTHER_SLOT };

/**
 * `confirmedFirst`: the booking is requested, answered with uid-ours (which it owns) and proven by
 * `d-proof` before the generated steps; moves (reschedule_appointment) are as likely as the other steps,
 * their answers are mostly about this booking at the new time with uid-new (which it owns too), and
 * `d-moved` is Cal.com's BOOKING_RESCHEDULED to uid-new, so that moves and their webhooks meet everything else. Otherwise moves are rare: most generated
 * bookings never get to be held by Cal.com.
 */
export const scenarioArb = (options: { maxSteps?: number; requestFirst?: fc.Arbitrary<boolean>; confirmedFirst?: boolean } = {}): fc.Arbitrary<Scenario> =>
  fc
    .record({
      attendee: fc.constantFrom(...ATTENDEES),
      owners: fc.tuple(...UIDS.map(() => fc.constantFrom<string | undefined>(BOOKING, BOOKING, OTHER_BOOKING, undefined))),
      facts: fc.array(webhookFactArb, { minLength: 1, maxLength: 5 }),
      requestFirst: options.requestFirst ?? fc.boolean(),
      steps: fc.array(fc.record({ step: stepArb(options.confirmedFirst ? 3 : 1), gapMs: fc.integer({ min: 0, max: 40 * 60_000 }) }), { maxLength: options.maxSteps ?? 24 }),
    })
    .map(({ attendee, owners, facts, requestFirst, steps }) => {
      const confirmed = options.confirmedFirst === true;
      const deliveries = facts.flatMap((fact, f) =>
        Array.from({ length: fact.copies }, (_, copy): WebhookDelivery => ({
          deliveryId: `d-${f}-${copy}`,
          triggerEvent: fact.triggerEvent,
          uid: fact.uid,
          ...(fact.rescheduleUid !== undefined && { rescheduleUid: fact.rescheduleUid }),
          ...(fact.calcomBookingId !== undefined && { calcomBookingId: fact.calcomBookingId }),
          ...(fact.startTime !== undefined && { startTime: fact.startTime }),
          metadata: fact.metadata,
          ...(fact.reason !== undefined && { reason: fact.reason }),
          createdAt: new Date(START + fact.createdAtOffsetMs).toISOString(),
        })),
      );
      let at = START;
      const timed = steps.map(({ step, gapMs }) => ({ step, at: (at += gapMs) }));
      const lookups = facts.flatMap((fact) => Array.from({ length: fact.copies }, () => fact.lookup));
      const uidOwners: UidOwners = Object.fromEntries(UIDS.map((uid, i) => [uid, owners[i]]));
      if (!confirmed) return { attendee, owners: uidOwners, lookups, deliveries, steps: requestFirst ? [{ step: { kind: 'request' } as Step, at: START }, ...timed] : timed };
      const answer: GeneratedAnswer = { uid: 'uid-ours', calcomBookingId: 1, httpStatus: 201, status: 'accepted', start: SLOT, createdAt: 'fresh', metadata: { call_id: CALL, booking_ref: BOOKING }, attendees: 'ours' };
      const proven: Scenario['steps'] = [
        { step: { kind: 'request' }, at: START },
        { step: { kind: 'answer', answer }, at: START },
        { step: { kind: 'webhook', pick: 0 }, at: START },
      ];
      return {
        attendee,
        owners: { ...uidOwners, 'uid-ours': BOOKING, 'uid-new': BOOKING },
        lookups: [{ outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL }, { outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL }, ...lookups],
        deliveries: [PROOF, MOVED, ...deliveries],
        steps: [...proven, ...timed],
      };
    });

const createdAtFor = (kind: GeneratedAnswer['createdAt'], at: number): string | undefined => {
  switch (kind) {
    case 'fresh':
      return new Date(at + 800).toISOString();
    case 'skewed':
      return new Date(at - 10_000).toISOString();
    case 'stale':
      return new Date(at - 3 * 24 * 3_600_000).toISOString();
    case 'absent':
      return undefined;
    case 'garbage':
      return '31.02.2025 25:61';
  }
};

export const toAnswer = (g: GeneratedAnswer, attendee: Attendee, at: number): CalcomAnswer => ({
  httpStatus: g.httpStatus,
  uid: g.uid,
  calcomBookingId: g.calcomBookingId,
  status: g.status,
  start: g.start,
  ...(createdAtFor(g.createdAt, at) !== undefined && { createdAt: createdAtFor(g.createdAt, at) }),
  metadata: g.metadata,
  attendees: { ours: [attendee], other: [OTHER_ATTENDEE], none: [], both: [OTHER_ATTENDEE, attendee] }[g.attendees],
  latencyMs: 321,
});

export const deliveryOf = (scenario: Scenario, pick: number): WebhookDelivery => scenario.deliveries[pick % scenario.deliveries.length]!;

export const toCommand = (scenario: Scenario, { step, at }: Scenario['steps'][number]): BookingCommand => {
  const now = new Date(at).toISOString();
  switch (step.kind) {
    case 'request':
      return {
        type: 'RequestBooking',
        data: { bookingId: BOOKING, callId: CALL, eventTypeId: 2563193, slotStart: SLOT, timeZone: 'Europe/Berlin', service: 'Beratung', language: 'de', attendee: scenario.attendee, practiceId: 'default', now },
      };
    case 'answer':
      return { type: 'RecordCalcomAnswer', data: { answer: toAnswer(step.answer, scenario.attendee, at), uidOwner: scenario.owners[step.answer.uid], now } };
    case 'failure':
      return { type: 'RecordCalcomFailure', data: { ...step.failure, now } };
    case 'webhook': {
      const delivery = deliveryOf(scenario, step.pick);
      const lookup = scenario.lookups[step.pick % scenario.deliveries.length];
      return { type: 'RecordWebhook', data: { delivery, uidOwner: scenario.owners[delivery.uid], lookup, now } };
    }
    case 'verify':
      return { type: 'VerifyHostAcceptance', data: { lookup: step.lookup, now } };
    case 'reconcile':
      return { type: 'Reconcile', data: { ...step.reconcile, now } };
    case 'cancel':
      return { type: 'RecordAgentCancellation', data: { ...(step.reason !== undefined && { reason: step.reason }), now } };
    case 'cancelLookup':
      return { type: 'RecordCancelLookup', data: { lookup: step.lookup, now } };
    case 'moveRequest':
      return { type: 'RequestMove', data: { moveId: step.moveId, byCallId: CALL, toSlotStart: step.toSlot, now } };
    case 'moveAnswer': {
      const answer = { ...toAnswer(step.answer, scenario.attendee, at), ...(step.rescheduledFrom !== undefined && { rescheduledFromUid: step.rescheduledFrom }) };
      return { type: 'RecordMoveAnswer', data: { moveId: step.moveId, answer, uidOwner: scenario.owners[step.answer.uid], now } };
    }
    case 'moveFailure':
      return { type: 'RecordMoveFailure', data: { moveId: step.moveId, ...step.failure, now } };
  }
};

export interface Trace {
  /** Per step: the state before, what the decider produced, whether it refused (BookingRuleViolation), the state after. */
  steps: Array<{ command: BookingCommand; before: Booking; produced: BookingEvent[]; refused: boolean; after: Booking }>;
  events: BookingEvent[];
  state: Booking;
}

/** Applies every command through decide (a refusal is a BookingRuleViolation, nothing else) and evolve. */
export const runScenario = (scenario: Scenario): Trace => {
  let state = initialState();
  const events: BookingEvent[] = [];
  const steps: Trace['steps'] = [];
  for (const timed of scenario.steps) {
    const command = toCommand(scenario, timed);
    let produced: BookingEvent[] = [];
    let refused = false;
    try {
      produced = decide(command, state);
    } catch (error) {
      if (!(error instanceof BookingRuleViolation)) throw error;
      refused = true;
    }
    const before = state;
    state = produced.reduce(evolve, state);
    events.push(...produced);
    steps.push({ command, before, produced, refused, after: state });
  }
  return { steps, events, state };
};
