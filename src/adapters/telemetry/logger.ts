import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. Caller names, emails and phone numbers are never passed to the logger;
 * the redaction list is a second line of defence for any field that slips through.
 */
export const redactedPaths = [
  'name', '*.name', 'email', '*.email', 'phone', '*.phone', 'phoneNumber', '*.phoneNumber', 'telefon', '*.telefon',
  'attendee', '*.attendee', 'attendees', '*.attendees', 'args', '*.args', 'body', '*.body',
  'authorization', '*.authorization', 'headers', '*.headers', 'apiKey', '*.apiKey', 'secret', '*.secret',
];

export const createLogger = (level: string, destination?: DestinationStream): Logger =>
  pino({ level, base: { service: 'booking-ledger' }, redact: { paths: redactedPaths, censor: '[redacted]' } }, destination);
