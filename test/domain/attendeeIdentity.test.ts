import { attendeeIdentity } from '../../src/domain';

describe('attendeeIdentity: always an email, never one shared fallback', () => {
  it('given an email and a phone number, when the attendee is built, then both go to Cal.com (the email normalised)', () => {
    expect(attendeeIdentity({ name: 'A', email: ' Anna@Example.org ', phone: '+49301234567' }, 'call_1', 'calls.example')).toEqual({
      name: 'A',
      email: 'anna@example.org',
      phoneNumber: '+49301234567',
    });
  });

  it('given only a phone number, then the per-call placeholder email goes along with it (Cal.com requires an email by default)', () => {
    expect(attendeeIdentity({ name: 'A', phone: '+491712345678' }, 'call_1', 'calls.example')).toEqual({
      name: 'A',
      email: 'call-call_1@calls.example',
      phoneNumber: '+491712345678',
    });
  });

  it('gives each call its own placeholder address', () => {
    const one = attendeeIdentity({ name: 'A' }, 'call_687', 'calls.example');
    const two = attendeeIdentity({ name: 'B' }, 'call_688', 'calls.example');
    expect(one).toEqual({ name: 'A', email: 'call-call_687@calls.example' });
    expect(one.email).not.toBe(two.email);
  });
});
