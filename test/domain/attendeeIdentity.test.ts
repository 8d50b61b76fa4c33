import { attendeeIdentity } from '../../src/domain';

describe('attendeeIdentity: never one shared fallback email', () => {
  it('uses the caller’s email first', () => {
    expect(attendeeIdentity({ name: 'A', email: ' Anna@Example.org ', phone: '+49 30 1' }, 'call_1', 'calls.example')).toEqual({ name: 'A', email: 'anna@example.org' });
  });

  it('uses the phone number when there is no email', () => {
    expect(attendeeIdentity({ name: 'A', phone: '+49 (30) 123-456' }, 'call_1', 'calls.example')).toEqual({ name: 'A', phoneNumber: '+4930123456' });
  });

  it('gives each call its own placeholder address otherwise', () => {
    const one = attendeeIdentity({ name: 'A' }, 'call_687', 'calls.example');
    const two = attendeeIdentity({ name: 'B' }, 'call_688', 'calls.example');
    expect(one.email).toBe('call-call_687@calls.example');
    expect(one.email).not.toBe(two.email);
  });
});
