import { describeAttendee, maskContactsIn, maskEmail, maskPhone } from '../../src/application/timeline/maskContact';

describe('masking contact details for analysts', () => {
  it('keeps the first character and the domain of an email address', () => {
    expect(maskEmail('termin@askproai.de')).toBe('t***@askproai.de');
    expect(maskEmail('x@y.org')).toBe('x***@y.org');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('keeps the country prefix and the last two digits of a phone number', () => {
    expect(maskPhone('+4915112345667')).toBe('+49*********67');
    expect(maskPhone('+49 30 1234 5667')).toBe('+49********67');
    expect(maskPhone('12345')).toBe('*****');
  });

  it('masks addresses and numbers inside free text and leaves dates, times and ids alone', () => {
    const text = 'Attendee termin@askproai.de (+49 151 1234 5667, 030 1234567) already booked 2025-10-10T06:00:00.000Z, booking 11489895';
    const masked = maskContactsIn(text);
    expect(masked).toBe('Attendee t***@askproai.de (+49*********67, 030*****67) already booked 2025-10-10T06:00:00.000Z, booking 11489895');
    expect(masked).not.toMatch(/termin@|1234 5667|1234567/);
  });

  it('shows the name in full and the contact masked', () => {
    expect(describeAttendee({ name: 'Hans Schuster', email: 'hans@example.org' })).toBe('Hans Schuster <h***@example.org>');
    expect(describeAttendee({ name: 'Hans Schuster', phoneNumber: '+4930000067' })).toBe('Hans Schuster <+49******67>');
    expect(describeAttendee({ name: 'Hans Schuster' })).toBe('Hans Schuster');
  });
});
