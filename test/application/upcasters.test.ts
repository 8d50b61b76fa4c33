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
});
