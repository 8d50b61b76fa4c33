import { upcast, type Upcaster } from '../../src/application/upcasters';

describe('upcast', () => {
  const registry: Record<string, Upcaster> = {
    // v1 stored the attendee's email flat; v2 nests it.
    'BookingRequested@1': ({ attendeeEmail, ...rest }) => ({ ...rest, attendee: { email: attendeeEmail } }),
    // v2 had no language; v3 defaults it.
    'BookingRequested@2': (data) => ({ language: 'de', ...data }),
  };

  it('brings a stored v1 event through every later version, in order', () => {
    expect(upcast('BookingRequested', 1, { bookingId: 'b', attendeeEmail: 'a@example.org' }, registry)).toEqual({
      bookingId: 'b',
      attendee: { email: 'a@example.org' },
      language: 'de',
    });
  });

  it('starts from the stored version and leaves current events untouched', () => {
    expect(upcast('BookingRequested', 2, { bookingId: 'b', language: 'en' }, registry)).toEqual({ bookingId: 'b', language: 'en' });
    expect(upcast('BookingRequested', 3, { bookingId: 'b' }, registry)).toEqual({ bookingId: 'b' });
    expect(upcast('CalcomResponded', 1, { uid: 'u' }, registry)).toEqual({ uid: 'u' });
  });

  it('marks where a stored lookup said the booking moved as not recorded (null), never as "moved nowhere", for found lookups before v3', () => {
    const found = { uid: 'u', outcome: 'found', calcomStatus: 'cancelled', purpose: 'cancel' };
    expect(upcast('CalcomBookingLookedUp', 2, found)).toEqual({ ...found, rescheduledToUid: null });
    expect(upcast('CalcomBookingLookedUp', 1, { uid: 'u', outcome: 'found', calcomStatus: 'accepted' })).toEqual({ uid: 'u', outcome: 'found', calcomStatus: 'accepted', purpose: 'reconcile', rescheduledToUid: null });
    expect(upcast('CalcomBookingLookedUp', 2, { uid: 'u', outcome: 'not_found', purpose: 'cancel' })).toEqual({ uid: 'u', outcome: 'not_found', purpose: 'cancel' });
  });
});
