export type Language = 'de' | 'en';

interface Slot {
  date: string;
  time: string;
}

/** Problems name the field first, in English (e.g. "date is missing"); the German answer names the field. */
const GERMAN_FIELDS: Record<string, string> = {
  date: 'das Datum', time: 'die Uhrzeit', name: 'Ihren Namen', service: 'die gewünschte Leistung', email: 'Ihre E-Mail-Adresse',
  phone: 'Ihre Telefonnummer', booking_id: 'die Buchungsnummer', reason: 'den Grund', language: 'die Sprache',
};
const germanDate = (date: string) => date.split('-').reverse().join('.');
const list = (items: string[], and: string) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
const alternativesDe = (slots: Slot[]) =>
  slots.length ? ` Frei wären zum Beispiel: ${list(slots.map((s) => `${germanDate(s.date)} um ${s.time} Uhr`), 'oder')}.` : '';
const alternativesEn = (slots: Slot[]) =>
  slots.length ? ` Available instead: ${list(slots.map((s) => `${s.date} at ${s.time}`), 'or')}.` : '';

/** What the voice agent says, per outcome. German by default, English available. */
export const messages = {
  de: {
    confirmed: (s: Slot) => `Ihr Termin am ${germanDate(s.date)} um ${s.time} Uhr ist gebucht und bestätigt.`,
    pending: (s: Slot) =>
      `Ihre Buchung für den ${germanDate(s.date)} um ${s.time} Uhr ist eingegangen, aber noch nicht bestätigt. Sie erhalten eine Bestätigung, sobald sie vorliegt.`,
    awaitingHost: (s: Slot) => `Ihre Anfrage für den ${germanDate(s.date)} um ${s.time} Uhr muss noch von der Praxis bestätigt werden.`,
    duplicate: (s: Slot, alt: Slot[]) =>
      `Der Termin am ${germanDate(s.date)} um ${s.time} Uhr konnte für Sie nicht gebucht werden, er ist bereits vergeben.${alternativesDe(alt)}`,
    slotUnavailable: (s: Slot, alt: Slot[]) => `Der Termin am ${germanDate(s.date)} um ${s.time} Uhr ist leider nicht mehr frei.${alternativesDe(alt)}`,
    error: () => 'Entschuldigung, es gab ein technisches Problem bei der Buchung. Der Termin ist nicht gebucht. Bitte versuchen Sie es gleich noch einmal oder rufen Sie uns direkt an.',
    invalid: (problems: string[]) => {
      if (problems.some((p) => p.endsWith('in the past'))) return 'Dieser Zeitpunkt liegt in der Vergangenheit. Welcher Termin passt Ihnen stattdessen?';
      const ahead = problems.map((p) => /more than (\d+) days ahead$/.exec(p)?.[1]).find(Boolean);
      if (ahead) return `So weit im Voraus kann ich leider nicht buchen, höchstens ${ahead} Tage. Welcher frühere Termin passt Ihnen?`;
      const fields = [...new Set(problems.map((p) => GERMAN_FIELDS[p.split(' ')[0] ?? ''] ?? 'die Angaben'))];
      return `Bitte nennen Sie mir noch einmal ${list(fields, 'und')}.`;
    },
    available: (s: Slot) => `Der ${germanDate(s.date)} um ${s.time} Uhr ist frei.`,
    dayOptions: (date: string, alt: Slot[]) =>
      alt.length ? `Am ${germanDate(date)} sind frei: ${list(alt.map((s) => `${s.time} Uhr`), 'und')}.` : `Am ${germanDate(date)} ist leider nichts mehr frei.`,
    cancelled: (s: Slot) => `Ihr Termin am ${germanDate(s.date)} um ${s.time} Uhr ist storniert.`,
    calendarUnreachable: () => 'Ich kann den Kalender gerade nicht abrufen. Bitte versuchen Sie es gleich noch einmal.',
    cancelFailed: () => 'Die Stornierung hat gerade nicht geklappt, Ihr Termin besteht noch. Bitte versuchen Sie es gleich noch einmal.',
    notFound: () => 'Ich finde zu diesen Angaben keine Buchung.',
    notCancellable: () => 'Diese Buchung wurde nie bestätigt und kann daher nicht storniert werden.',
    unconfirmed: (s: Slot) => `Die Buchung für den ${germanDate(s.date)} um ${s.time} Uhr wurde nicht bestätigt. Bitte rufen Sie uns an, damit wir das klären.`,
    rescheduleRequested: (s: Slot) => `Die Praxis hat den Termin am ${germanDate(s.date)} um ${s.time} Uhr abgesagt und bittet Sie, einen neuen Termin zu wählen.`,
    phoneRefused: () => 'Der Kalender hat diese Telefonnummer nicht angenommen. Können Sie mir Ihre Nummer bitte noch einmal nennen?',
    misconfigured: () => 'Entschuldigung, wegen eines Einrichtungsfehlers kann ich gerade keine Termine im Kalender eintragen. Der Termin ist nicht gebucht.',
    busy: () => 'Der Kalender ist gerade ausgelastet. Der Termin ist nicht gebucht. Bitte versuchen Sie es in einer Minute noch einmal.',
  },
  en: {
    confirmed: (s: Slot) => `Your appointment on ${s.date} at ${s.time} is booked and confirmed.`,
    pending: (s: Slot) => `Your booking for ${s.date} at ${s.time} was received but is not confirmed yet. You will get a confirmation once it is.`,
    awaitingHost: (s: Slot) => `Your request for ${s.date} at ${s.time} still has to be confirmed by the practice.`,
    duplicate: (s: Slot, alt: Slot[]) => `The appointment on ${s.date} at ${s.time} could not be booked for you; it is already taken.${alternativesEn(alt)}`,
    slotUnavailable: (s: Slot, alt: Slot[]) => `The slot on ${s.date} at ${s.time} is no longer available.${alternativesEn(alt)}`,
    error: () => 'Sorry, there was a technical problem with the booking. Nothing was booked. Please try again shortly or call us directly.',
    invalid: (problems: string[]) => {
      const ahead = problems.map((p) => /more than (\d+) days ahead$/.exec(p)?.[1]).find(Boolean);
      if (ahead) return `I can only book up to ${ahead} days ahead. Which earlier time suits you?`;
      return `Some details are missing or unclear: ${problems.join('; ')}.`;
    },
    available: (s: Slot) => `${s.date} at ${s.time} is available.`,
    dayOptions: (date: string, alt: Slot[]) => (alt.length ? `On ${date} these times are free: ${list(alt.map((s) => s.time), 'and')}.` : `Nothing is free on ${date}.`),
    cancelled: (s: Slot) => `Your appointment on ${s.date} at ${s.time} is cancelled.`,
    calendarUnreachable: () => 'I cannot reach the calendar right now. Please try again in a moment.',
    cancelFailed: () => 'The cancellation did not go through; your appointment still stands. Please try again in a moment.',
    notFound: () => 'I cannot find a booking for these details.',
    notCancellable: () => 'This booking was never confirmed, so there is nothing to cancel.',
    unconfirmed: (s: Slot) => `The booking for ${s.date} at ${s.time} was not confirmed. Please call us so we can sort it out.`,
    rescheduleRequested: (s: Slot) => `The practice cancelled the appointment on ${s.date} at ${s.time} and asks you to choose a new time.`,
    phoneRefused: () => 'The calendar did not accept that phone number. Could you tell me your number again, please?',
    misconfigured: () => 'Sorry, because of a setup problem I cannot enter appointments in the calendar right now. Nothing was booked.',
    busy: () => 'The calendar is busy right now. Nothing was booked. Please try again in a minute.',
  },
} satisfies Record<Language, Record<string, (...args: never[]) => string>>;
