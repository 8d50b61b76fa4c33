import type { StoredEvent } from '../../src/application/ports/eventStore';
import { buildTimeline } from '../../src/application/timeline/buildTimeline';
import { parseInstant } from '../../src/application/timeline/instant';
import { CALCOM_CREATED_AT, UID, booking687, booking688, call687, call688 } from '../fixtures/incident';
import { incidentEvents } from './support/incidentEvents';

const subject = { kind: 'booking_uid' as const, uid: UID };
const BETWEEN_THE_CALLS = new Date('2025-10-06T09:20:00Z');

describe('the incident timeline, built from the events alone', () => {
  const timeline = buildTimeline(incidentEvents(), { subject, now: new Date('2025-10-07T00:00:00Z') });
  const lane = (callId: string) => timeline.calls.find((c) => c.callId === callId)!;
  const entry = (callId: string, type: string) => lane(callId).entries.find((e) => e.type === type)!;

  it('puts the two calls that touched the uid together, 687 first, each in recorded order', () => {
    expect(timeline.calls.map((c) => [c.callId, c.group])).toEqual([
      [call687.callId, 0],
      [call688.callId, 0],
    ]);
    expect(lane(call687.callId).attendeeNames).toEqual([call687.name]);
    expect(lane(call688.callId).entries.map((e) => e.type)).toEqual(['BookingRequested', 'CalcomResponded', 'DuplicateDetected']);
    const recorded = timeline.calls.flatMap((c) => c.entries.map((e) => e.recordedAt));
    expect(recorded).toEqual([...recorded].sort());
  });

  it('keeps both times and the stream of every event', () => {
    const requested = entry(call688.callId, 'BookingRequested');
    expect(requested).toMatchObject({ occurredAt: '2025-10-06T09:39:22.000Z', recordedAt: '2025-10-06T09:39:22.010Z', streamId: `booking-${booking688}` });
  });

  it("highlights the stale createdAt, the foreign call_id and booking_ref, and the other attendee in 688's answer", () => {
    const answer = entry(call688.callId, 'CalcomResponded');
    expect(answer.flags).toEqual(expect.arrayContaining(['stale_created_at', 'foreign_call_id', 'foreign_booking_ref', 'other_attendee', 'duplicate']));
    expect(answer.meaning).toBe(
      `Cal.com answered HTTP 200 with uid ${UID} (#11489895, accepted) created ${CALCOM_CREATED_AT} (34 min before this request) for call ${call687.callId}`,
    );
    expect(answer.warnings.join('\n')).toContain(`STALE createdAt ${CALCOM_CREATED_AT}`);
    expect(answer.warnings.join('\n')).toContain(`FOREIGN call_id ${call687.callId}`);
    expect(answer.details.attendees).toBe('Hansi Sputer <t***@askproai.de>');
  });

  it("does not flag 687's own answer", () => {
    expect(entry(call687.callId, 'CalcomResponded').flags).toEqual([]);
    expect(entry(call687.callId, 'CalcomResponded').meaning).toContain('(27 s after this request)');
  });

  it('names DuplicateDetected with every reason and the owner, and the confirming webhook', () => {
    const duplicate = entry(call688.callId, 'DuplicateDetected');
    expect(duplicate.flags).toEqual(['duplicate']);
    expect(duplicate.meaning).toMatch(/^DuplicateDetected: metadata_booking_ref_mismatch, stale_created_at, metadata_call_id_mismatch, attendee_mismatch, uid_already_claimed; uid 8Fxv4pCqnb1Jva1w9wn5wX belongs to booking d517e21d \(call call_927bf219b2cc20cd24dc97c9f0b\)/);
    const confirmed = entry(call687.callId, 'BookingConfirmedByWebhook');
    expect(confirmed.flags).toEqual(['confirmed']);
    expect(confirmed.meaning).toMatch(/^Confirmed by BOOKING_CREATED webhook for uid 8Fxv4pCqnb1Jva1w9wn5wX/);
  });

  it('rebuilds the states with the domain: only 687 confirmed, 688 a duplicate of it', () => {
    const states = Object.fromEntries(timeline.bookings.map((b) => [b.callId, b]));
    expect(states[call687.callId]).toMatchObject({ bookingId: booking687, status: 'confirmed', uid: UID });
    expect(states[call688.callId]).toMatchObject({ bookingId: booking688, status: 'duplicate', uid: null, duplicate: { conflictingUid: UID, ownerBookingId: booking687, ownerCallId: call687.callId } });
    expect(timeline.bookings.filter((b) => b.status === 'confirmed')).toHaveLength(1);
  });

  it('lists the uid as claimed or returned for both bookings', () => {
    expect(timeline.duplicates).toEqual([
      {
        uid: UID,
        bookings: [
          { bookingId: booking687, callId: call687.callId, touches: ['claimed', 'confirmed', 'returned'], reasons: [] },
          { bookingId: booking688, callId: call688.callId, touches: ['returned'], reasons: ['attendee_mismatch', 'metadata_booking_ref_mismatch', 'metadata_call_id_mismatch', 'stale_created_at', 'uid_already_claimed'] },
        ],
      },
    ]);
  });

  it('masks the per-call placeholder and phone numbers but shows names', () => {
    const json = JSON.stringify(timeline);
    expect(json).toContain('Hans Schuster');
    expect(json).not.toMatch(/termin@askproai|4915112345667|call-call_927bf219b2cc20cd24dc97c9f0b@/);
  });
});

describe('as of a moment between the two calls (2025-10-06T09:20:00Z)', () => {
  const asOf = buildTimeline(incidentEvents(), { subject, asOf: BETWEEN_THE_CALLS });

  it('shows only what was recorded by then: 687 exists and is confirmed, 688 does not exist yet', () => {
    expect(asOf.asOf).toBe('2025-10-06T09:20:00.000Z');
    expect(asOf.bookings).toEqual([expect.objectContaining({ callId: call687.callId, status: 'confirmed' })]);
    const lane688 = asOf.calls.find((c) => c.callId === call688.callId)!;
    expect(lane688.entries).toEqual([]);
    expect(lane688.laterEventCount).toBe(3);
    expect(asOf.duplicates).toEqual([]);
    expect(asOf.counts).toEqual({ matched: 10, shown: 7, recordedLater: 3 });
  });

  it('before anything was recorded, no booking exists', () => {
    const before = buildTimeline(incidentEvents(), { subject, asOf: new Date('2025-10-06T09:00:00Z') });
    expect(before.bookings).toEqual([]);
    expect(before.calls.every((c) => c.entries.length === 0)).toBe(true);
  });

  it('says when events that had already happened were recorded only later', () => {
    const events = incidentEvents().map((e) => (e.metadata.callId === call688.callId ? { ...e, metadata: { ...e.metadata, occurredAt: '2025-10-06T09:10:00.000Z' } } : e));
    const late = buildTimeline(events, { subject, asOf: BETWEEN_THE_CALLS });
    expect(late.notes.join('\n')).toMatch(/3 of them happened \(occurredAt\) before 2025-10-06T09:20:00.000Z but were recorded later/);
  });
});

describe('building a timeline from any events', () => {
  const base = incidentEvents();
  const orphan: StoredEvent = {
    ...base[1]!,
    id: '00000000-0000-4000-8000-0000000000ff',
    streamId: 'calcom-webhook-ffff',
    type: 'CalcomWebhookOrphaned',
    position: `${'9'.padStart(20, '0')}:${'99'.padStart(20, '0')}`,
    data: { deliveryId: 'ffff', occurredAt: '2025-10-06T10:00:00.000Z', triggerEvent: 'BOOKING_CREATED', uid: 'other-uid', reason: 'no booking of ours matches' },
    metadata: { occurredAt: '2025-10-06T10:00:00.000Z' },
    recordedAt: new Date('2025-10-06T10:00:00.010Z'),
  };

  it('shows events that name no call in a lane of their own, last', () => {
    const timeline = buildTimeline([...base, orphan], { subject: { kind: 'recorded_between', from: '2025-10-06T00:00:00.000Z', to: '2025-10-07T00:00:00.000Z' } });
    const last = timeline.calls[timeline.calls.length - 1]!;
    expect(last.callId).toBeNull();
    expect(last.entries[0]!.meaning).toBe('Webhook BOOKING_CREATED for uid other-uid matches no booking of ours: no booking of ours matches');
  });

  it('describes a delivery the resumer abandoned, with its warning, and a v1 delivery record as v1 stored it', () => {
    const at = (n: number) => `${'9'.padStart(20, '0')}:${String(n).padStart(20, '0')}`;
    const received: StoredEvent = {
      ...orphan,
      id: '00000000-0000-4000-8000-0000000000fd',
      type: 'CalcomWebhookReceived',
      schemaVersion: 1, // no `from`: upcast to null, still described
      position: at(97),
      data: { deliveryId: 'fffe', occurredAt: '2025-10-06T10:00:00.000Z', triggerEvent: 'BOOKING_CANCELLED', uid: 'uid-fffe', body: {} },
    };
    const abandoned: StoredEvent = {
      ...orphan,
      id: '00000000-0000-4000-8000-0000000000fe',
      type: 'CalcomWebhookAbandoned',
      position: at(98),
      data: { deliveryId: 'fffe', occurredAt: '2025-10-06T10:01:00.000Z', uid: 'uid-fffe', attempts: 5, reason: 'not settled after 5 attempts' },
      recordedAt: new Date('2025-10-06T10:01:00.010Z'),
    };
    const timeline = buildTimeline([received, abandoned], { subject: { kind: 'recorded_between', from: '2025-10-06T00:00:00.000Z', to: '2025-10-07T00:00:00.000Z' } });
    const [first, second] = timeline.calls[timeline.calls.length - 1]!.entries;
    expect(first!.meaning).toBe('Cal.com webhook BOOKING_CANCELLED received for uid uid-fffe without call_id (delivery fffe)');
    expect(second!.meaning).toBe('Webhook delivery fffe abandoned, never applied: not settled after 5 attempts');
    expect(second!.warnings).toEqual(['Webhook abandoned']);
  });

  it('ignores the same event given twice and sorts by recorded time whatever the input order', () => {
    const timeline = buildTimeline([...base].reverse().concat(base), { subject });
    expect(timeline.counts.matched).toBe(base.length);
    expect(timeline.calls[0]!.entries[0]!.type).toBe('BookingRequested');
  });

  it('reports an event it cannot read instead of failing', () => {
    const broken = { ...base[0]!, id: '00000000-0000-4000-8000-0000000000ee', data: { nonsense: true } };
    const timeline = buildTimeline([broken], { subject: { kind: 'calls', callIds: [call687.callId] } });
    expect(timeline.notes[0]).toMatch(/^BookingRequested 00000000-0000-4000-8000-0000000000ee could not be read/);
    expect(timeline.bookings).toEqual([]);
  });

  it('keeps calls that share no uid in separate groups, ordered by their first event', () => {
    const other = incidentEvents().slice(7, 8).map((e) => ({
      ...e,
      id: '00000000-0000-4000-8000-0000000000aa',
      metadata: { ...e.metadata, callId: 'call_unrelated' },
      data: { ...(e.data as object), callId: 'call_unrelated' },
      recordedAt: new Date('2025-10-06T08:00:00Z'),
    }));
    const timeline = buildTimeline([...base, ...other], { subject: { kind: 'calls', callIds: [] } });
    expect(timeline.calls.map((c) => [c.callId, c.group])).toEqual([
      ['call_unrelated', 0],
      [call687.callId, 1],
      [call688.callId, 1],
    ]);
  });
});

describe('ISO instants for --as-of, --from, --to and as_of', () => {
  it.each([
    ['2025-10-06T09:20:00Z', '2025-10-06T09:20:00.000Z'],
    ['2025-10-06T11:20:00+02:00', '2025-10-06T09:20:00.000Z'],
    ['2025-10-06T09:20:00.123Z', '2025-10-06T09:20:00.123Z'],
    ['2025-10-06', '2025-10-06T00:00:00.000Z'],
  ])('reads %s', (text, iso) => expect(parseInstant(text)?.toISOString()).toBe(iso));

  it.each(['2025-10-06T09:20:00', 'yesterday', '2025-13-40T00:00:00Z', '2025-02-30T00:00:00Z', '', '1696584000'])('refuses %p', (text) => expect(parseInstant(text)).toBeUndefined());
});

describe('what the caller was told, as the timeline shows it', () => {
  it('given an answer that repeats an email and a number, then the told entry shows them masked', () => {
    const told: StoredEvent = {
      id: '00000000-0000-4000-8000-999999999999',
      streamId: `retell-call-${call688.callId}`,
      streamVersion: 1,
      position: '00000000000000009999:00000000000000009999',
      type: 'CallerAnswered',
      schemaVersion: 1,
      data: { callId: call688.callId, occurredAt: '2025-10-06T09:39:30.000Z', function: 'book_appointment', delivery: 1, requestFingerprint: 'f', requestId: 'r', status: 'pending', message: 'Wir schreiben an hans@example.org oder rufen +49 30 1234567 an.', latencyMs: 5 },
      metadata: { occurredAt: '2025-10-06T09:39:30.000Z', callId: call688.callId },
      recordedAt: new Date('2025-10-06T09:39:30.010Z'),
    };
    const timeline = buildTimeline([...incidentEvents(), told], { subject, now: new Date('2025-10-07T00:00:00Z') });
    const [entry] = timeline.calls.find((c) => c.callId === call688.callId)!.told;
    expect(entry!.message).toBe('Wir schreiben an h***@example.org oder rufen +49*******67 an.');
    expect(JSON.stringify(timeline)).not.toMatch(/hans@example|1234567/);
  });
});
