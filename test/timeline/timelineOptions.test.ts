import { parseTimelineOptions } from '../../src/adapters/cli/timelineCommand';
import { UsageError } from '../../src/adapters/cli/rebuildCommand';

describe('timeline options', () => {
  it('takes one call, several calls, a uid or a recorded-time range', () => {
    expect(parseTimelineOptions({ call: ['call_a'] })).toEqual({ subject: { kind: 'calls', callIds: ['call_a'] }, format: 'text', limit: 10_000, asOf: undefined, asOfBasis: 'recorded' });
    expect(parseTimelineOptions({ call: ['call_a', 'call_b', 'call_a'] }).subject).toEqual({ kind: 'calls', callIds: ['call_a', 'call_b'] });
    expect(parseTimelineOptions({ bookingUid: 'U', asOf: '2025-10-06T09:20:00Z', format: 'md' })).toEqual({
      subject: { kind: 'booking_uid', uid: 'U' },
      asOf: new Date('2025-10-06T09:20:00Z'),
      asOfBasis: 'recorded',
      format: 'md',
      limit: 10_000,
    });
    expect(parseTimelineOptions({ bookingUid: 'U', asOf: '2025-10-06T09:20:00Z', asOfBasis: 'happened' }).asOfBasis).toBe('happened');
    expect(() => parseTimelineOptions({ bookingUid: 'U', asOfBasis: 'soon' })).toThrow(/--as-of-basis must be recorded or happened/);
    expect(parseTimelineOptions({ from: '2025-10-06', to: '2025-10-06T12:00:00+02:00', limit: '50' })).toMatchObject({
      subject: { kind: 'recorded_between', from: '2025-10-06T00:00:00.000Z', to: '2025-10-06T10:00:00.000Z' },
      limit: 50,
    });
  });

  it.each([
    [{}, /exactly one of --call/],
    [{ call: ['a'], bookingUid: 'U' }, /exactly one of --call/],
    [{ bookingUid: 'U', from: '2025-10-06' }, /exactly one of --call/],
    [{ from: '2025-10-06' }, /--from and --to go together/],
    [{ from: '2025-10-07', to: '2025-10-06' }, /--from must not be after --to/],
    [{ bookingUid: 'U', asOf: '2025-10-06 09:20' }, /--as-of "2025-10-06 09:20" is not an ISO 8601 instant/],
    [{ call: ['a'], asOf: '2025-10-06T09:20:00' }, /is not an ISO 8601 instant with a zone/],
    [{ call: ['a'], format: 'html' }, /--format must be text, json or md/],
    [{ call: ['a'], limit: '0' }, /--limit must be a positive whole number/],
    [{ bookingUid: '  ' }, /--booking-uid needs a Cal.com uid/],
  ])('refuses %p as a usage error (exit 2)', (options, message) => {
    expect(() => parseTimelineOptions(options)).toThrow(UsageError);
    expect(() => parseTimelineOptions(options)).toThrow(message);
  });
});
