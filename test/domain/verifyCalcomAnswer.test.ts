import type { BookingEvent } from '../../src/domain';
import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, answer, requested } from '../support/bookingFixtures';

const now = '2025-10-06T09:05:21.500Z';
/** As the use case records it: an answer that looks ours was claimed for this booking just before. */
const record = (overrides: Parameters<typeof answer>[0] = {}, uidOwner: string | undefined = BOOKING) => ({
  type: 'RecordCalcomAnswer' as const,
  data: { answer: answer(overrides), uidOwner, now },
});
const facts = { bookingId: BOOKING, callId: CALL, occurredAt: now };
const reasonsOf = (events: BookingEvent[]) => events.flatMap((e) => (e.type === 'DuplicateDetected' ? e.data.reasons : []));

describe('RecordCalcomAnswer: is the answer our booking?', () => {
  it('given a request, when Cal.com answers with a fresh booking carrying our booking_ref, then it is accepted', () => {
    given([requested()])
      .when(record())
      .then([
        { type: 'CalcomResponded', data: { ...facts, ...answer() } },
        { type: 'CalcomBookingAccepted', data: { ...facts, uid: answer().uid, calcomBookingId: answer().calcomBookingId, status: 'accepted' } },
      ]);
  });

  it('counts our own earlier attempt as ours: old createdAt but our booking_ref', () => {
    given([requested()])
      .when(record({ createdAt: '2025-10-06T08:00:00.000Z' }, BOOKING))
      .thenMatches([{ type: 'CalcomResponded' }, { type: 'CalcomBookingAccepted' }]);
  });

  it('without booking_ref, accepts a fresh answer with our call_id and attendee', () => {
    given([requested()])
      .when(record({ metadata: { call_id: CALL } }))
      .thenMatches([{ type: 'CalcomResponded' }, { type: 'CalcomBookingAccepted' }]);
  });

  it('flags a stale createdAt', () => {
    const events = given([requested()]).when(record({ metadata: { call_id: CALL }, createdAt: '2025-10-06T08:30:00.000Z' })).events();
    expect(reasonsOf(events)).toEqual(['stale_created_at']);
  });

  it('flags a missing createdAt as stale: freshness cannot be shown', () => {
    const events = given([requested()]).when(record({ metadata: { call_id: CALL }, createdAt: undefined })).events();
    expect(reasonsOf(events)).toEqual(['stale_created_at']);
  });

  it('flags a foreign call_id and a foreign booking_ref', () => {
    const events = given([requested()]).when(record({ metadata: { call_id: 'call_other', booking_ref: 'b-other' } })).events();
    expect(reasonsOf(events)).toEqual(['metadata_booking_ref_mismatch', 'metadata_call_id_mismatch']);
  });

  it('flags missing metadata as a call_id mismatch', () => {
    expect(reasonsOf(given([requested()]).when(record({ metadata: {} })).events())).toEqual(['metadata_call_id_mismatch']);
  });

  it('flags another attendee with the same shared email (the incident trigger)', () => {
    const shared = 'termin@askproai.de';
    const events = given([requested({ attendee: { name: 'Hans Schuster', email: shared } })])
      .when(record({ metadata: { call_id: CALL }, attendees: [{ name: 'Hansi Sputer', email: shared }] }))
      .events();
    expect(reasonsOf(events)).toEqual(['attendee_mismatch']);
  });

  it('matches a phone-only attendee by digits', () => {
    given([requested({ attendee: { name: 'Hans', phoneNumber: '+4930123456' } })])
      .when(record({ metadata: { call_id: CALL }, attendees: [{ name: 'hans ', phoneNumber: '+49 30 123456' }] }))
      .thenMatches([{ type: 'CalcomResponded' }, { type: 'CalcomBookingAccepted' }]);
  });

  it('flags an answer for another slot', () => {
    expect(reasonsOf(given([requested()]).when(record({ start: '2025-10-10T07:00:00.000Z' })).events())).toEqual(['slot_mismatch']);
  });

  it('flags a uid already claimed by another booking even when everything else looks right', () => {
    const events = given([requested()]).when(record({}, 'b-owner')).events();
    expect(events[1]).toMatchObject({ type: 'DuplicateDetected', data: { reasons: ['uid_already_claimed'], conflicting: { ownerBookingId: 'b-owner' } } });
  });

  it('moves to awaiting_host when Cal.com says the booking is pending', () => {
    given([requested()]).when(record({ status: 'pending' })).thenState({ status: 'awaiting_host', uid: answer().uid });
  });

  it('given the answer was already recorded, when it is recorded again, then nothing happens', () => {
    const first = given([requested()]).when(record()).events();
    given([requested(), ...first]).when(record()).thenNothingHappens();
  });
});
