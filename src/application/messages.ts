import { DateTime } from 'luxon';

export type Language = 'de' | 'en';

interface Slot {
  date: string;
  time: string;
}

/** How many free times a day's answer reads out before "and more". */
export const TIMES_READ_OUT = 8;

/** Problems name the field first, in English (e.g. "date is missing"); the German answer names the field. */
const GERMAN_FIELDS: Record<string, string> = {
  date: 'das Datum', time: 'die Uhrzeit', new_date: 'den neuen Tag', new_time: 'die neue Uhrzeit', name: 'Ihren Namen', service: 'die gewünschte Leistung', email: 'Ihre E-Mail-Adresse',
  phone: 'Ihre Telefonnummer', booking_id: 'Tag und Uhrzeit Ihres Termins', reason: 'den Grund', language: 'die Sprache',
};
const ENGLISH_FIELDS: Record<string, string> = {
  date: 'the date', time: 'the time', new_date: 'the new day', new_time: 'the new time', name: 'your name', service: 'the service you would like', email: 'your email address',
  phone: 'your phone number', booking_id: 'the day and time of your appointment', reason: 'the reason', language: 'the language',
};
const germanDate = (date: string) => date.split('-').reverse().join('.');
/** "Friday, 10 October 2025": a date an English voice can say. */
const englishDate = (date: string) => DateTime.fromISO(date, { zone: 'utc' }).setLocale('en-GB').toFormat('cccc, d LLLL yyyy');
/** "Montag, 13.10.2025": a day a caller can tell apart from another. */
const germanDay = (date: string) => `${DateTime.fromISO(date, { zone: 'utc' }).setLocale('de').toFormat('cccc')}, ${germanDate(date)}`;
/** How many of a caller's bookings a question reads out. */
export const BOOKINGS_READ_OUT = 5;
const list = (items: string[], and: string) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
const alternativesDe = (slots: Slot[]) =>
  slots.length ? ` Frei wären zum Beispiel: ${list(slots.map((s) => `${germanDate(s.date)} um ${s.time} Uhr`), 'oder')}.` : '';
const alternativesEn = (slots: Slot[]) =>
  slots.length ? ` Available instead: ${list(slots.map((s) => `${englishDate(s.date)} at ${s.time}`), 'or')}.` : '';
const fieldsOf = (problems: string[], names: Record<string, string>, fallback: string) => [
  ...new Set(problems.map((p) => (p.startsWith('date and time') ? names.booking_id! : (names[p.split(' ')[0] ?? ''] ?? fallback)))),
];
const aheadOf = (problems: string[]) => problems.map((p) => /more than (\d+) days ahead$/.exec(p)?.[1]).find(Boolean);
const pastOf = (problems: string[]) => problems.some((p) => p.endsWith('in the past'));

/** What the voice agent says, per outcome. German by default, English available. */
export const messages = {
  de: {
    confirmed: (s: Slot) => `Ihr Termin am ${germanDate(s.date)} um ${s.time} Uhr ist gebucht und bestätigt.`,
    pending: (s: Slot) =>
      `Ihre Buchung für den ${germanDate(s.date)} um ${s.time} Uhr ist eingegangen, aber vom Kalender noch nicht bestätigt. Fragen Sie gern gleich noch einmal nach, dann sage ich Ihnen den Stand.`,
    outcomeUnknown: (s: Slot) =>
      `Der Kalender hat nicht rechtzeitig geantwortet. Ob der Termin am ${germanDate(s.date)} um ${s.time} Uhr eingetragen ist, kann ich noch nicht sagen; fragen Sie gern gleich noch einmal nach.`,
    awaitingHost: (s: Slot) => `Ihre Anfrage für den ${germanDate(s.date)} um ${s.time} Uhr muss noch von der Praxis bestätigt werden.`,
    duplicate: (s: Slot, alt: Slot[]) =>
      `Der Termin am ${germanDate(s.date)} um ${s.time} Uhr konnte für Sie nicht gebucht werden, er ist bereits vergeben.${alternativesDe(alt)}`,
    slotUnavailable: (s: Slot, alt: Slot[]) => `Der Termin am ${germanDate(s.date)} um ${s.time} Uhr ist leider nicht mehr frei.${alternativesDe(alt)}`,
    error: () => 'Entschuldigung, es gab ein technisches Problem bei der Buchung. Der Termin ist nicht gebucht. Bitte versuchen Sie es gleich noch einmal.',
    invalid: (problems: string[]) => {
      if (pastOf(problems)) return 'Dieser Zeitpunkt liegt in der Vergangenheit. Welcher Termin passt Ihnen stattdessen?';
      const ahead = aheadOf(problems);
      if (ahead) return `So weit im Voraus kann ich leider nicht buchen, höchstens ${ahead} Tage. Welcher frühere Termin passt Ihnen?`;
      return `Bitte nennen Sie mir noch einmal ${list(fieldsOf(problems, GERMAN_FIELDS, 'die Angaben'), 'und')}.`;
    },
    available: (s: Slot) => `Der ${germanDate(s.date)} um ${s.time} Uhr ist frei.`,
    dayOptions: (date: string, alt: Slot[]) => {
      if (!alt.length) return `Am ${germanDate(date)} ist leider nichts mehr frei.`;
      const read = alt.slice(0, TIMES_READ_OUT).map((s) => `${s.time} Uhr`);
      return alt.length > TIMES_READ_OUT ? `Am ${germanDate(date)} sind unter anderem frei: ${read.join(', ')} und weitere.` : `Am ${germanDate(date)} sind frei: ${list(read, 'und')}.`;
    },
    cancelled: (s: Slot) => `Ihr Termin am ${germanDate(s.date)} um ${s.time} Uhr ist storniert.`,
    calendarUnreachable: () => 'Ich kann den Kalender gerade nicht abrufen. Bitte versuchen Sie es gleich noch einmal.',
    cancelFailed: () => 'Die Stornierung hat gerade nicht geklappt, Ihr Termin besteht noch. Bitte versuchen Sie es gleich noch einmal.',
    notFound: () => 'Ich finde zu diesen Angaben keine Buchung.',
    notCancellable: () => 'Diese Buchung wurde nie bestätigt und kann daher nicht storniert werden.',
    unconfirmed: (s: Slot) => `Die Buchung für den ${germanDate(s.date)} um ${s.time} Uhr konnte vom Kalender nicht bestätigt werden. Soll ich einen anderen Termin für Sie suchen?`,
    rescheduleRequested: (s: Slot) => `Die Praxis hat den Termin am ${germanDate(s.date)} um ${s.time} Uhr abgesagt und bittet Sie, einen neuen Termin zu wählen.`,
    phoneRefused: () => 'Der Kalender hat diese Telefonnummer nicht angenommen. Können Sie mir Ihre Nummer bitte noch einmal nennen?',
    misconfigured: () => 'Entschuldigung, wegen eines Einrichtungsfehlers kann ich gerade keine Termine im Kalender eintragen. Der Termin ist nicht gebucht.',
    busy: () => 'Der Kalender ist gerade ausgelastet. Der Termin ist nicht gebucht. Bitte versuchen Sie es in einer Minute noch einmal.',
    moved: (s: Slot) => `Ihr Termin ist auf den ${germanDate(s.date)} um ${s.time} Uhr verlegt und bestätigt.`,
    movePending: (s: Slot) =>
      `Die Verlegung auf den ${germanDate(s.date)} um ${s.time} Uhr ist beim Kalender eingegangen, aber noch nicht bestätigt. Fragen Sie gern gleich noch einmal nach.`,
    moveUnknown: (s: Slot) =>
      `Der Kalender hat nicht rechtzeitig geantwortet. Ob Ihr Termin auf den ${germanDate(s.date)} um ${s.time} Uhr verlegt wurde, kann ich noch nicht sagen; fragen Sie gern gleich noch einmal nach.`,
    moveSlotUnavailable: (to: Slot, from: Slot, alt: Slot[]) =>
      `Der ${germanDate(to.date)} um ${to.time} Uhr ist leider nicht frei; Ihr Termin am ${germanDate(from.date)} um ${from.time} Uhr bleibt bestehen.${alternativesDe(alt)}`,
    moveTooLate: (from: Slot) =>
      `So kurz vorher kann ich den Termin am ${germanDate(from.date)} um ${from.time} Uhr nicht mehr verlegen; er bleibt bestehen. Bitte wenden Sie sich direkt an die Praxis.`,
    moveFailed: (from: Slot) =>
      `Die Verlegung hat gerade nicht geklappt; Ihr Termin am ${germanDate(from.date)} um ${from.time} Uhr bleibt bestehen. Bitte versuchen Sie es gleich noch einmal.`,
    notMovable: (s: Slot) => `Den Termin am ${germanDate(s.date)} um ${s.time} Uhr kann ich nicht verlegen: Der Kalender führt ihn nicht als bestätigten Termin.`,
    whichService: (offered: string[]) => `Welche Leistung möchten Sie? Wir bieten an: ${list(offered, 'und')}.`,
    whichBooking: (found: Slot[]) =>
      `Ich finde ${found.length} Termine für Sie: ${list(found.slice(0, BOOKINGS_READ_OUT).map((s) => `am ${germanDay(s.date)} um ${s.time} Uhr`), 'oder')}${found.length > BOOKINGS_READ_OUT ? ' und weitere' : ''}. Welchen meinen Sie?`,
  },
  en: {
    confirmed: (s: Slot) => `Your appointment on ${englishDate(s.date)} at ${s.time} is booked and confirmed.`,
    pending: (s: Slot) => `Your booking for ${englishDate(s.date)} at ${s.time} was received but the calendar has not confirmed it yet. Ask me again in a moment and I will tell you where it stands.`,
    outcomeUnknown: (s: Slot) => `The calendar did not answer in time. I cannot tell yet whether ${englishDate(s.date)} at ${s.time} was entered; ask me again in a moment.`,
    awaitingHost: (s: Slot) => `Your request for ${englishDate(s.date)} at ${s.time} still has to be confirmed by the practice.`,
    duplicate: (s: Slot, alt: Slot[]) => `The appointment on ${englishDate(s.date)} at ${s.time} could not be booked for you; it is already taken.${alternativesEn(alt)}`,
    slotUnavailable: (s: Slot, alt: Slot[]) => `The slot on ${englishDate(s.date)} at ${s.time} is no longer available.${alternativesEn(alt)}`,
    error: () => 'Sorry, there was a technical problem with the booking. Nothing was booked. Please try again in a moment.',
    invalid: (problems: string[]) => {
      if (pastOf(problems)) return 'That time is in the past. Which time would suit you instead?';
      const ahead = aheadOf(problems);
      if (ahead) return `I can only book up to ${ahead} days ahead. Which earlier time suits you?`;
      return `Could you tell me ${list(fieldsOf(problems, ENGLISH_FIELDS, 'the details'), 'and')} again, please?`;
    },
    available: (s: Slot) => `${englishDate(s.date)} at ${s.time} is available.`,
    dayOptions: (date: string, alt: Slot[]) => {
      if (!alt.length) return `Nothing is free on ${englishDate(date)}.`;
      const read = alt.slice(0, TIMES_READ_OUT).map((s) => s.time);
      return alt.length > TIMES_READ_OUT ? `On ${englishDate(date)} these times are free, among others: ${read.join(', ')} and more.` : `On ${englishDate(date)} these times are free: ${list(read, 'and')}.`;
    },
    cancelled: (s: Slot) => `Your appointment on ${englishDate(s.date)} at ${s.time} is cancelled.`,
    calendarUnreachable: () => 'I cannot reach the calendar right now. Please try again in a moment.',
    cancelFailed: () => 'The cancellation did not go through; your appointment still stands. Please try again in a moment.',
    notFound: () => 'I cannot find a booking for these details.',
    notCancellable: () => 'This booking was never confirmed, so there is nothing to cancel.',
    unconfirmed: (s: Slot) => `The booking for ${englishDate(s.date)} at ${s.time} could not be confirmed by the calendar. Shall I look for another time for you?`,
    rescheduleRequested: (s: Slot) => `The practice cancelled the appointment on ${englishDate(s.date)} at ${s.time} and asks you to choose a new time.`,
    phoneRefused: () => 'The calendar did not accept that phone number. Could you tell me your number again, please?',
    misconfigured: () => 'Sorry, because of a setup problem I cannot enter appointments in the calendar right now. Nothing was booked.',
    busy: () => 'The calendar is busy right now. Nothing was booked. Please try again in a minute.',
    moved: (s: Slot) => `Your appointment is moved to ${englishDate(s.date)} at ${s.time} and confirmed.`,
    movePending: (s: Slot) => `The move to ${englishDate(s.date)} at ${s.time} reached the calendar but is not confirmed yet. Ask me again in a moment.`,
    moveUnknown: (s: Slot) => `The calendar did not answer in time. I cannot tell yet whether your appointment was moved to ${englishDate(s.date)} at ${s.time}; ask me again in a moment.`,
    moveSlotUnavailable: (to: Slot, from: Slot, alt: Slot[]) =>
      `${englishDate(to.date)} at ${to.time} is not available; your appointment on ${englishDate(from.date)} at ${from.time} still stands.${alternativesEn(alt)}`,
    moveTooLate: (from: Slot) => `It is too close to the appointment on ${englishDate(from.date)} at ${from.time} to move it; it still stands. Please contact the practice directly.`,
    moveFailed: (from: Slot) => `The move did not go through; your appointment on ${englishDate(from.date)} at ${from.time} still stands. Please try again in a moment.`,
    notMovable: (s: Slot) => `I cannot move the appointment on ${englishDate(s.date)} at ${s.time}: the calendar does not hold it as a confirmed appointment.`,
    whichService: (offered: string[]) => `Which service would you like? We offer ${list(offered, 'and')}.`,
    whichBooking: (found: Slot[]) =>
      `I found ${found.length} appointments for you: ${list(found.slice(0, BOOKINGS_READ_OUT).map((s) => `${englishDate(s.date)} at ${s.time}`), 'or')}${found.length > BOOKINGS_READ_OUT ? ' and more' : ''}. Which one do you mean?`,
  },
} satisfies Record<Language, Record<string, (...args: never[]) => string>>;
