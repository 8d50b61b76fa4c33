import { inZone, parseLocal, shortZoned } from '../../src/application/timeline/html/zonedTime';

describe('times in the practice time zone', () => {
  it('shows an October instant in Berlin summer time and a December one in winter time', () => {
    expect(inZone('2025-10-06T09:04:54.000Z', 'Europe/Berlin')).toEqual({ date: '2025-10-06', time: '11:04:54.000', offset: '+02:00' });
    expect(inZone('2025-12-06T09:04:54.000Z', 'Europe/Berlin')).toEqual({ date: '2025-12-06', time: '10:04:54.000', offset: '+01:00' });
    expect(inZone('2025-10-06T23:30:00.000Z', 'Europe/Berlin').date).toBe('2025-10-07'); // the local day, not UTC's
    expect(shortZoned('2025-10-06T09:04:54.000Z', 'UTC')).toBe('2025-10-06 09:04:54 UTC');
  });

  it('reads "what did we know at 11:39" typed in practice time as the instant it was', () => {
    expect(parseLocal('2025-10-06 11:39', 'Europe/Berlin')?.toISOString()).toBe('2025-10-06T09:39:00.000Z');
    expect(parseLocal('2025-10-06T11:39:22.5', 'Europe/Berlin')?.toISOString()).toBe('2025-10-06T09:39:22.500Z');
    expect(parseLocal('2025-10-06 11:39', 'UTC')?.toISOString()).toBe('2025-10-06T11:39:00.000Z');
  });

  it.each(['11:39', '2025-10-06', '2025-13-06 11:39', '2025-10-06 25:00', 'yesterday'])('refuses %s', (text) => {
    expect(parseLocal(text, 'Europe/Berlin')).toBeUndefined();
  });
});
