import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parseAvailabilityArgs, parseBookArgs, parseBookingLookupArgs } from '../../../../src/adapters/http/retell/bookingArgs';
import { parseRescheduleArgs } from '../../../../src/adapters/http/retell/rescheduleArgs';

const timeZone = 'Europe/Berlin';
const now = new Date('2025-09-01T00:00:00.000Z');
/** Parsing tests reach years ahead; the horizon has tests of its own below. */
const book = (args: Record<string, unknown>, horizonDays = 36_500) => parseBookArgs(args, { timeZone, now, horizonDays });
const problemsOf = (result: { ok: boolean; problems?: string[] }) => (result.ok ? [] : result.problems);
const slotOf = (date: string, time: string) => {
  const result = book({ date, time, name: 'Ada' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.value;
};

describe('parseBookArgs: plausibility (the model can be talked into anything)', () => {
  it('refuses a slot beyond the booking horizon (default 365 days) and says so', () => {
    expect(problemsOf(parseBookArgs({ date: '9999-12-31', time: '10:00', name: 'Ada' }, { timeZone, now }))).toEqual(['9999-12-31 is more than 365 days ahead']);
    expect(problemsOf(parseBookArgs({ date: '2026-09-02', time: '10:00', name: 'Ada' }, { timeZone, now }))).toEqual(['2026-09-02 is more than 365 days ahead']);
    expect(parseBookArgs({ date: '2026-08-30', time: '10:00', name: 'Ada' }, { timeZone, now }).ok).toBe(true);
    expect(parseBookArgs({ date: '2026-08-30', time: '10:00', name: 'Ada' }, { timeZone, now, horizonDays: 30 }).ok).toBe(false);
  });

  it('refuses a name with no visible letters (zero-width spaces, marks, digits)', () => {
    for (const name of ['\u200b\u200b', '\u200b\u2060\ufeff', '123', '--', '\u0301']) {
      expect(problemsOf(book({ date: '2025-10-10', time: '08:00', name }))).toEqual([`name '${name.trim()}' has no letters`]);
    }
    expect(book({ date: '2025-10-10', time: '08:00', name: 'Zoë \u200bO\u2019Brien' }).ok).toBe(true);
  });

  it('reads a national phone number in the practice\'s region and refuses one that is no number there', () => {
    expect(book({ date: '2025-10-10', time: '08:00', name: 'Ada', phone: '0171 2345678' })).toMatchObject({ ok: true, value: { phone: '+491712345678' } });
    expect(parseBookArgs({ date: '2025-10-10', time: '08:00', name: 'Ada', phone: '0612 345678' }, { timeZone, now, phoneRegion: 'NL' })).toMatchObject({ ok: true, value: { phone: '+31612345678' } });
    expect(problemsOf(book({ date: '2025-10-10', time: '08:00', name: 'Ada', phone: '12345' }))).toEqual(["phone '12345' is not a valid phone number (national numbers are read as DE)"]);
  });
});

describe('parseBookArgs', () => {
  it('reads the German argument names (summer time: UTC+2)', () => {
    const result = book({ datum: '10.10.2025', uhrzeit: '8 Uhr', name: ' Jürgen Müller ', dienstleistung: 'Beratung', email: 'j.mueller@example.de', telefon: '+49 151 12345678', sprache: 'de' });

    expect(result).toEqual({
      ok: true,
      value: {
        slotStartUtc: '2025-10-10T06:00:00.000Z',
        localDate: '2025-10-10',
        localTime: '08:00',
        name: 'Jürgen Müller',
        service: 'Beratung',
        email: 'j.mueller@example.de',
        phone: '+4915112345678',
        language: 'de',
      },
    });
  });

  it('reads the English argument names (winter time: UTC+1) and coerces a numeric phone', () => {
    const result = book({ date: '2025-12-10', time: '14:30', name: 'Ada Lovelace', service: 'Consultation', email: 'ada@example.com', phone: 1712345678, language: 'en' });

    expect(result).toEqual({
      ok: true,
      value: { slotStartUtc: '2025-12-10T13:30:00.000Z', localDate: '2025-12-10', localTime: '14:30', name: 'Ada Lovelace', service: 'Consultation', email: 'ada@example.com', phone: '+491712345678', language: 'en' },
    });
  });

  it('omits optional fields that are missing, null or blank, and ignores unknown args', () => {
    const result = book({ date: '2025-10-10', time: '08:00', name: 'Ada', email: '', telefon: null, service: '   ', execution_message: 'Einen Moment' });

    expect(result).toEqual({ ok: true, value: { slotStartUtc: '2025-10-10T06:00:00.000Z', localDate: '2025-10-10', localTime: '08:00', name: 'Ada' } });
  });

  it.each([
    ['2025-10-10', '2025-10-10'],
    ['10.10.2025', '2025-10-10'],
    ['1.2.2026', '2026-02-01'],
    ['01.02.2026', '2026-02-01'],
    ['2026-2-1', '2026-02-01'],
    ['29.02.2028', '2028-02-29'],
  ])('reads the date %p as %p', (date, localDate) => {
    expect(slotOf(date, '10:00').localDate).toBe(localDate);
  });

  it.each([
    ['08:00', '08:00'],
    ['8:00', '08:00'],
    ['8 Uhr', '08:00'],
    ['8Uhr', '08:00'],
    ['08.00', '08:00'],
    ['8:00 Uhr', '08:00'],
    ['8.30 Uhr', '08:30'],
    ['14:30', '14:30'],
    ['8', '08:00'],
    ['08:00:00', '08:00'],
    ['9h', '09:00'],
    ['2 pm', '14:00'],
    ['2:30 P.M.', '14:30'],
    ['12 am', '00:00'],
    ['12 pm', '12:00'],
    ['0:15', '00:15'],
    ['23:59', '23:59'],
  ])('reads the time %p as %p', (time, localTime) => {
    expect(slotOf('2025-10-10', time).localTime).toBe(localTime);
  });

  it('converts wall-clock time in the given zone to UTC on both sides of the DST switch', () => {
    expect(slotOf('2025-10-25', '08:00').slotStartUtc).toBe('2025-10-25T06:00:00.000Z');
    expect(slotOf('2025-10-27', '08:00').slotStartUtc).toBe('2025-10-27T07:00:00.000Z');
    expect(slotOf('2026-03-28', '08:00').slotStartUtc).toBe('2026-03-28T07:00:00.000Z');
    expect(slotOf('2026-03-30', '08:00').slotStartUtc).toBe('2026-03-30T06:00:00.000Z');
    expect(parseBookArgs({ date: '2025-12-10', time: '08:00', name: 'Ada' }, { timeZone: 'America/New_York', now })).toMatchObject({ ok: true, value: { slotStartUtc: '2025-12-10T13:00:00.000Z' } });
  });

  it('rejects a local time the clocks skip (spring forward) and one that happens twice (fall back)', () => {
    expect(problemsOf(book({ date: '2026-03-29', time: '02:30', name: 'Ada' }))).toEqual(["time '02:30' does not exist on 2026-03-29 in Europe/Berlin (the clocks skip it)"]);
    expect(problemsOf(book({ date: '2025-10-26', time: '02:30', name: 'Ada' }))).toEqual([
      "time '02:30' occurs twice on 2025-10-26 in Europe/Berlin (the clocks go back); choose another time",
    ]);
    expect(slotOf('2025-10-26', '03:00').slotStartUtc).toBe('2025-10-26T02:00:00.000Z');
  });

  it('names every missing required field', () => {
    expect(problemsOf(book({}))).toEqual(['name is missing', 'date is missing', 'time is missing']);
    expect(problemsOf(book({ datum: '  ', uhrzeit: null, name: '' }))).toEqual(['name is missing', 'date is missing', 'time is missing']);
  });

  it.each([
    ['10.10.25', "date '10.10.25' needs a 4-digit year (use YYYY-MM-DD or DD.MM.YYYY)"],
    ['2025-02-30', "date '2025-02-30' does not exist in the calendar"],
    ['31.04.2026', "date '31.04.2026' does not exist in the calendar"],
    ['29.02.2027', "date '29.02.2027' does not exist in the calendar"],
    ['morgen', "date 'morgen' is not a valid date (use YYYY-MM-DD or DD.MM.YYYY)"],
    ['2025-10-10T08:00', "date '2025-10-10T08:00' is not a valid date (use YYYY-MM-DD or DD.MM.YYYY)"],
    ['10/10/2025', "date '10/10/2025' is not a valid date (use YYYY-MM-DD or DD.MM.YYYY)"],
  ])('rejects the date %p', (date, problem) => {
    expect(problemsOf(book({ date, time: '08:00', name: 'Ada' }))).toEqual([problem]);
  });

  it.each(['25:00', '24:00', '8:60', '8:5', '13 pm', '0 am', '08:00:30', 'halb neun', '8 Uhr 30', '-1:00', 'noon'])('rejects the time %p', (time) => {
    expect(problemsOf(book({ date: '2025-10-10', time, name: 'Ada' }))).toEqual([`time '${time}' is not a valid time (use HH:mm)`]);
  });

  it('rejects an invalid email, phone and language, reporting all problems at once', () => {
    const result = book({ datum: '2025-10-10', uhrzeit: '25:00', name: 'Ada', email: 'ada at example dot com', telefon: 'unknown', sprache: 'fr' });

    expect(problemsOf(result)).toEqual([
      "time '25:00' is not a valid time (use HH:mm)",
      "email 'ada at example dot com' is not a valid email address",
      "phone 'unknown' is not a valid phone number (national numbers are read as DE)",
      "language 'fr' is not supported (use 'de' or 'en')",
    ]);
  });

  it.each([
    ['DE', 'de'],
    ['de-DE', 'de'],
    ['Deutsch', 'de'],
    ['en_GB', 'en'],
    ['English', 'en'],
  ])('normalises the language %p to %p', (sprache, language) => {
    expect(book({ date: '2025-10-10', time: '08:00', name: 'Ada', sprache })).toMatchObject({ ok: true, value: { language } });
  });

  it('rejects a value given under both names with different values, but accepts the same value twice', () => {
    expect(problemsOf(book({ date: '2025-10-10', datum: '2025-10-11', time: '08:00', name: 'Ada' }))).toEqual([
      "date is given twice with different values (date '2025-10-10', datum '2025-10-11')",
    ]);
    expect(book({ date: '2025-10-10', datum: ' 2025-10-10', time: '08:00', name: 'Ada' }).ok).toBe(true);
  });

  it('rejects values that are not text without also calling them missing', () => {
    expect(problemsOf(book({ datum: { tag: 10 }, uhrzeit: ['08:00'], name: true }))).toEqual([
      'datum must be text, not object',
      'uhrzeit must be text, not a list',
      'name must be text, not boolean',
    ]);
  });

  it('rejects an overlong name and a slot in the past', () => {
    expect(problemsOf(book({ date: '2025-10-10', time: '08:00', name: 'x'.repeat(201) }))).toEqual(['name is too long (at most 200 characters)']);
    expect(problemsOf(book({ date: '2025-08-31', time: '08:00', name: 'Ada' }))).toEqual(['2025-08-31 08:00 is in the past']);
  });

  it('throws on an unknown time zone (a configuration bug, not caller input)', () => {
    expect(() => parseBookArgs({ date: '2025-10-10', time: '08:00', name: 'Ada' }, { timeZone: 'Europe/Atlantis', now })).toThrow(/unknown IANA time zone 'Europe\/Atlantis'/);
  });

  it('round-trips any existing, unambiguous Berlin wall-clock time through UTC', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2025-09-02T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const local = DateTime.fromJSDate(instant, { zone: timeZone }).startOf('minute');
        if (local.getPossibleOffsets().length > 1) return;
        const result = book({ datum: local.toFormat('d.M.yyyy'), uhrzeit: local.toFormat('H:mm'), name: 'Ada' });
        expect(result).toMatchObject({ ok: true, value: { slotStartUtc: local.toUTC().toISO(), localDate: local.toISODate(), localTime: local.toFormat('HH:mm') } });
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseAvailabilityArgs', () => {
  it('gives the local day as a UTC range, without a slot when no time is given', () => {
    expect(parseAvailabilityArgs({ datum: '10.10.2025' }, { timeZone })).toEqual({
      ok: true,
      value: { localDate: '2025-10-10', dayStartUtc: '2025-10-09T22:00:00.000Z', dayEndUtc: '2025-10-10T22:00:00.000Z' },
    });
  });

  it('adds the slot when a time is given (English names, winter time)', () => {
    expect(parseAvailabilityArgs({ date: '2025-12-10', time: '9:15', language: 'en' }, { timeZone })).toEqual({
      ok: true,
      value: { localDate: '2025-12-10', localTime: '09:15', dayStartUtc: '2025-12-09T23:00:00.000Z', dayEndUtc: '2025-12-10T23:00:00.000Z', slotStartUtc: '2025-12-10T08:15:00.000Z', language: 'en' },
    });
  });

  it('covers 25 hours on the day the clocks go back and 23 on the day they go forward', () => {
    expect(parseAvailabilityArgs({ date: '2025-10-26' }, { timeZone })).toMatchObject({ ok: true, value: { dayStartUtc: '2025-10-25T22:00:00.000Z', dayEndUtc: '2025-10-26T23:00:00.000Z' } });
    expect(parseAvailabilityArgs({ date: '2026-03-29' }, { timeZone })).toMatchObject({ ok: true, value: { dayStartUtc: '2026-03-28T23:00:00.000Z', dayEndUtc: '2026-03-29T22:00:00.000Z' } });
  });

  it('requires a date and reports an invalid time', () => {
    expect(problemsOf(parseAvailabilityArgs({ uhrzeit: '08:00' }, { timeZone }))).toEqual(['date is missing']);
    expect(problemsOf(parseAvailabilityArgs({ datum: '10.10.2025', uhrzeit: '8:75' }, { timeZone }))).toEqual(["time '8:75' is not a valid time (use HH:mm)"]);
  });

  it('does not reject past days (the use case filters past slots)', () => {
    expect(parseAvailabilityArgs({ date: '2020-01-01' }, { timeZone }).ok).toBe(true);
  });
});

describe('parseBookingLookupArgs', () => {
  it('accepts a booking id alone, with a German reason', () => {
    expect(parseBookingLookupArgs({ booking_id: ' 5b0f4c34-0000-5000-8000-000000000001 ', grund: 'krank', sprache: 'de' }, { timeZone })).toEqual({
      ok: true,
      value: { bookingId: '5b0f4c34-0000-5000-8000-000000000001', reason: 'krank', language: 'de' },
    });
  });

  it('accepts date and time instead of a booking id (English names)', () => {
    expect(parseBookingLookupArgs({ date: '10.10.2025', time: '8:00 Uhr', reason: 'ill' }, { timeZone })).toEqual({
      ok: true,
      value: { slotStartUtc: '2025-10-10T06:00:00.000Z', localDate: '2025-10-10', localTime: '08:00', reason: 'ill' },
    });
  });

  it('reads a lone date as that local day (a caller who calls back: "my appointment on Friday")', () => {
    expect(parseBookingLookupArgs({ booking_id: 'b1', datum: '10.10.2025' }, { timeZone })).toEqual({
      ok: true,
      value: { bookingId: 'b1', localDate: '2025-10-10', day: { startUtc: '2025-10-09T22:00:00.000Z', endUtc: '2025-10-10T22:00:00.000Z' } },
    });
  });

  it('accepts nothing at all, or a service alone: the use case finds the caller by the trusted number', () => {
    expect(parseBookingLookupArgs({}, { timeZone })).toEqual({ ok: true, value: {} });
    expect(parseBookingLookupArgs({ booking_id: '  ' }, { timeZone })).toEqual({ ok: true, value: {} });
    expect(parseBookingLookupArgs({ dienstleistung: 'Zahnreinigung' }, { timeZone })).toEqual({ ok: true, value: { service: 'Zahnreinigung' } });
  });

  it.each([
    [{ uhrzeit: '08:00' }, 'date is missing (give date and time, or booking_id)'],
    [{ booking_id: 'b1', datum: '10.10.25' }, "date '10.10.25' needs a 4-digit year (use YYYY-MM-DD or DD.MM.YYYY)"],
    [{ booking_id: { id: 1 } }, 'booking_id must be text, not object'],
  ])('rejects %p', (args, problem) => {
    expect(problemsOf(parseBookingLookupArgs(args, { timeZone }))).toEqual([problem]);
  });
});

describe('parseRescheduleArgs', () => {
  const move = (args: Record<string, unknown>) => parseRescheduleArgs(args, { timeZone, now, horizonDays: 365 });

  it('reads the new time (German names) and finds the booking by the caller alone', () => {
    expect(move({ neues_datum: '17.10.2025', neue_uhrzeit: '9 Uhr' })).toEqual({
      ok: true,
      value: { newSlotStartUtc: '2025-10-17T07:00:00.000Z', newLocalDate: '2025-10-17', newLocalTime: '09:00' },
    });
  });

  it('narrows the booking to move by its old date and time (English names)', () => {
    expect(move({ new_date: '2025-10-17', new_time: '14:30', date: '2025-10-10', time: '08:00', reason: 'work' })).toMatchObject({
      ok: true,
      value: { slotStartUtc: '2025-10-10T06:00:00.000Z', newSlotStartUtc: '2025-10-17T12:30:00.000Z', reason: 'work' },
    });
  });

  it.each([
    [{}, ['new_date is missing', 'new_time is missing']],
    [{ neues_datum: '17.10.2025' }, ['new_time is missing']],
    [{ neues_datum: '17.10.25', neue_uhrzeit: '9' }, ["new_date '17.10.25' needs a 4-digit year (use YYYY-MM-DD or DD.MM.YYYY)"]],
    [{ neues_datum: '2025-08-01', neue_uhrzeit: '09:00' }, ['new_date 2025-08-01 09:00 is in the past']],
    [{ neues_datum: '9999-01-01', neue_uhrzeit: '09:00' }, ['new_date 9999-01-01 is more than 365 days ahead']],
    [{ neues_datum: '2025-10-17', neue_uhrzeit: '09:00', uhrzeit: '08:00' }, ['date is missing (give date and time, or booking_id)']],
    [{ neues_datum: '2025-10-17', neue_uhrzeit: '09:00', new_time: '10:00' }, ["new_time is given twice with different values (new_time '10:00', neue_uhrzeit '09:00')"]],
  ])('rejects %p', (args, problems) => {
    expect(problemsOf(move(args))).toEqual(problems);
  });
});
