import type { BookingSettings } from '../../src/application/useCases/deps';

/** Booking settings for use-case tests: one practice with one service. */
export const testSettings = (overrides: Partial<BookingSettings> = {}): BookingSettings => ({
  practiceId: 'default',
  services: [{ id: 'termin', eventTypeId: overrides.eventTypeId ?? 2563193, names: { de: ['Termin'], en: ['appointment'] } }],
  eventTypeId: 2563193,
  timeZone: 'Europe/Berlin',
  placeholderEmailDomain: 'placeholder.invalid',
  confirmationWaitMs: 0,
  defaultLanguage: 'de',
  phoneRegion: 'DE',
  horizonDays: 3650,
  notesField: 'notes',
  resumeAfterMs: 60_000,
  ...overrides,
});
