/**
 * Analysts see who called (names), never a full email address or phone number: the timeline, its
 * reports and its page show them masked. One place decides how.
 */

/** `termin@askproai.de` → `t***@askproai.de` (first character and the domain stay). */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
};

/** `+49 30 1234567` → `+49*******67` (country prefix and the last two digits stay). */
export const maskPhone = (phone: string): string => {
  const compact = phone.replace(/[^\d+]/g, '');
  if (compact.replace('+', '').length < 6) return '*'.repeat(Math.max(compact.length, 3));
  return `${compact.slice(0, 3)}${'*'.repeat(compact.length - 5)}${compact.slice(-2)}`;
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** International (+49…, 0049…) or national (030 …) numbers; leaves dates, times and ids alone. */
const PHONE = /(?:\+|\b00)\d[\d ()/-]{5,}\d|\b0\d{2,5}[ /-]?\d[\d -]{4,}\d\b/g;

/** Masks every email address and phone number inside free text (e.g. an error message from Cal.com). */
export const maskContactsIn = (text: string): string => text.replace(EMAIL, maskEmail).replace(PHONE, maskPhone);

/** `Hans Schuster <t***@askproai.de>`: the name in full, the contact masked. */
export const describeAttendee = (attendee: { name: string; email?: string; phoneNumber?: string }): string => {
  const contact = attendee.email ? maskEmail(attendee.email) : attendee.phoneNumber ? maskPhone(attendee.phoneNumber) : undefined;
  return contact ? `${attendee.name} <${contact}>` : attendee.name;
};
