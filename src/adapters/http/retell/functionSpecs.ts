import { z } from 'zod';
import { serviceNames, type Practice } from '../../../application/practice';
import { ALIASES, MAX_LENGTH, argumentValue, type Field, type Language } from './argFields';

/**
 * The five Retell custom functions: which arguments each reads, which it requires, and what they
 * mean. One table, used three ways:
 * - the argument parsers (`bookingArgs.ts`) read exactly these fields and require these ones;
 * - `retellParameters` turns it into the JSON Schema to paste into a Retell agent (German argument
 *   names by default, English on request), served at GET /retell/functions and printed by
 *   `booking-ledger retell-functions`;
 * - `acceptedArgumentsSchema` documents every name the parser accepts (German and English) in the
 *   OpenAPI document.
 * Argument names and length limits come from `argFields.ts` (`ALIASES`, `MAX_LENGTH`).
 */

export const retellFunctionNames = ['check_availability', 'book_appointment', 'get_booking_status', 'cancel_appointment', 'reschedule_appointment'] as const;
export type RetellFunctionName = (typeof retellFunctionNames)[number];
export type { Language };

type Text = Record<Language, string>;

export interface FunctionSpec {
  /** What the agent's LLM reads to decide when to call the function. */
  description: Text;
  fields: readonly Field[];
  /** Alternatives: the arguments are complete when every field of one alternative is given. */
  requires: ReadonlyArray<readonly Field[]>;
  /** Per-function wording of a field's description (else `fieldDescriptions`). */
  describe?: Partial<Record<Field, Text>>;
}

const fieldDescriptions: Record<Field, Text> = {
  date: { de: 'Tag des Termins, z.B. 10.10.2025 (auch 2025-10-10)', en: 'Day of the appointment, e.g. 2025-10-10 or 10.10.2025' },
  time: { de: 'Uhrzeit, z.B. 08:00, 8 Uhr oder 14.30', en: 'Time of day, e.g. 08:00, 8:00 or 2 pm' },
  newDate: { de: 'Neuer Tag, auf den der Termin verlegt wird, z.B. 17.10.2025', en: 'The new day to move the appointment to, e.g. 2025-10-17' },
  newTime: { de: 'Neue Uhrzeit, z.B. 09:00', en: 'The new time of day, e.g. 09:00' },
  name: { de: 'Vor- und Nachname des Anrufers', en: "The caller's first and last name" },
  service: { de: 'gewünschte Dienstleistung (bei nur einer Leistung optional)', en: 'the service asked for (optional when the practice offers one)' },
  email: { de: 'optional: E-Mail-Adresse des Anrufers', en: "optional: the caller's email address" },
  phone: { de: 'optional: Telefonnummer des Anrufers, z.B. +49 30 1234567', en: "optional: the caller's phone number, e.g. +49 30 1234567" },
  bookingId: { de: 'booking_id aus einer früheren Antwort', en: 'booking_id from an earlier answer' },
  reason: { de: 'optional: Grund der Absage', en: 'optional: why the caller cancels' },
  language: { de: "optional: Sprache der Antwort, 'de' oder 'en'", en: "optional: language of the answer, 'de' or 'en'" },
};

const lookupDescriptions: Partial<Record<Field, Text>> = {
  date: { de: 'optional: Tag des bestehenden Termins, z.B. 10.10.2025', en: 'optional: day of the existing appointment, e.g. 2025-10-10' },
  time: { de: 'optional: Uhrzeit des bestehenden Termins (nur mit Tag), z.B. 08:00', en: 'optional: time of the existing appointment (with its day), e.g. 08:00' },
  service: { de: 'optional: Leistung des bestehenden Termins', en: 'optional: service of the existing appointment' },
  bookingId: { de: 'optional: booking_id aus einer früheren Antwort in diesem Anruf', en: 'optional: booking_id from an earlier answer in this call' },
};

const findsCallersBookings: Text = {
  de: 'Findet die kommenden Termine des Anrufers auch aus früheren Anrufen (über seine Rufnummer); Tag, Uhrzeit oder Leistung grenzen ein. Bei status "several_found" lies die Termine aus matches vor und frag, welcher gemeint ist; dann ruf erneut mit datum und uhrzeit auf.',
  en: "Finds the caller's upcoming appointments, also from earlier calls (by their number); day, time or service narrow it down. On status \"several_found\" read out the appointments in matches, ask which one, then call again with its date and time.",
};
const withLookup = (text: Text): Text => ({ de: `${text.de} ${findsCallersBookings.de}`, en: `${text.en} ${findsCallersBookings.en}` });

/** Wall-clock dates and times are read in BOOKING_TIMEZONE. */
export const functionSpecs: Record<RetellFunctionName, FunctionSpec> = {
  check_availability: {
    description: {
      de: 'Prüft, ob an einem Tag (und optional zu einer Uhrzeit) ein Termin frei ist, und nennt freie Zeiten.',
      en: 'Checks whether a day (and optionally a time) is free, and lists free times.',
    },
    fields: ['date', 'time', 'service', 'language'],
    requires: [['date']],
    describe: { time: { de: 'optional: gewünschte Uhrzeit, z.B. 08:00', en: 'optional: the time asked for, e.g. 08:00' } },
  },
  book_appointment: {
    description: {
      de: 'Bucht einen Termin. Sag nur "gebucht", wenn status "confirmed" ist; sonst sag, was in message steht.',
      en: 'Books an appointment. Say "booked" only when status is "confirmed"; otherwise say what message says.',
    },
    fields: ['date', 'time', 'name', 'service', 'email', 'phone', 'language'],
    requires: [['name', 'date', 'time']],
  },
  get_booking_status: {
    description: withLookup({ de: 'Sagt, wie es um einen Termin des Anrufers steht.', en: "Tells the state of one of the caller's appointments." }),
    fields: ['bookingId', 'date', 'time', 'service', 'language'],
    requires: [[]],
    describe: lookupDescriptions,
  },
  cancel_appointment: {
    description: withLookup({ de: 'Sagt einen Termin des Anrufers ab.', en: "Cancels one of the caller's appointments." }),
    fields: ['bookingId', 'date', 'time', 'service', 'reason', 'language'],
    requires: [[]],
    describe: lookupDescriptions,
  },
  reschedule_appointment: {
    description: withLookup({
      de: 'Verlegt einen Termin des Anrufers auf neues_datum und neue_uhrzeit. Sag nur "verlegt", wenn status "confirmed" ist; sonst sag, was in message steht (bei "slot_unavailable" bleibt der alte Termin bestehen).',
      en: 'Moves one of the caller\'s appointments to new_date and new_time. Say "moved" only when status is "confirmed"; otherwise say what message says (on "slot_unavailable" the old appointment still stands).',
    }),
    fields: ['newDate', 'newTime', 'bookingId', 'date', 'time', 'service', 'reason', 'language'],
    requires: [['newDate', 'newTime']],
    describe: { ...lookupDescriptions, reason: { de: 'optional: Grund der Verlegung', en: 'optional: why the caller moves it' } },
  },
};

export const isRetellFunctionName = (name: string): name is RetellFunctionName => (retellFunctionNames as readonly string[]).includes(name);

/** The argument's name in a language: English first in `ALIASES`, German last (the same when there is one). */
export const argumentName = (field: Field, language: Language): string => {
  const names = ALIASES[field];
  return language === 'en' ? names[0] : names[names.length - 1]!;
};

/** Fields the parser reports as missing: the one alternative, or none when there are several (the parser explains). */
export const requiredFields = (name: RetellFunctionName): readonly Field[] => {
  const { requires } = functionSpecs[name];
  return requires.length === 1 ? requires[0]! : [];
};

const describeField = (name: RetellFunctionName, field: Field, language: Language): string =>
  (functionSpecs[name].describe?.[field] ?? fieldDescriptions[field])[language];

export interface RetellParameterOptions {
  /** Argument names and descriptions: German (default) or English. */
  language?: Language;
  /** Retell's "Payload: args only": `call_id` becomes a required argument. */
  argsOnly?: boolean;
  /**
   * The practice's services in the answer's language (one name each): the service argument becomes an
   * enum of them, required to book or check when there is more than one.
   */
  services?: readonly string[];
}

/** Functions that must know the service when a practice offers several (the others narrow by it). */
const NEEDS_SERVICE: readonly RetellFunctionName[] = ['check_availability', 'book_appointment'];

const callIdDescription: Text = {
  de: 'Die Retell call_id dieses Anrufs (z.B. aus einer dynamischen Variable)',
  en: "This call's Retell call_id (e.g. from a dynamic variable)",
};

/** The zod schema of a function's parameters as a Retell agent declares them (one name per argument). */
export const retellParametersSchema = (name: RetellFunctionName, options: RetellParameterOptions = {}) => {
  const language = options.language ?? 'de';
  const required = new Set(requiredFields(name));
  const services = options.services ?? [];
  if (services.length > 1 && NEEDS_SERVICE.includes(name)) required.add('service');
  const shape: Record<string, z.ZodType> = {};
  for (const field of functionSpecs[name].fields) {
    const base = field === 'service' && services.length > 0 ? z.enum(services as [string, ...string[]]) : z.string().max(MAX_LENGTH[field]);
    const value = base.describe(describeField(name, field, language));
    shape[argumentName(field, language)] = required.has(field) ? value : value.optional();
  }
  if (options.argsOnly) shape.call_id = z.string().min(1).max(256).describe(callIdDescription[language]);
  return z.object(shape);
};

type JsonSchema = Record<string, unknown>;

const withoutDialect = ({ $schema: _dialect, ...schema }: JsonSchema): JsonSchema => schema;

/** JSON Schema of a function's parameters, ready to paste into Retell. */
export const retellParameters = (name: RetellFunctionName, options: RetellParameterOptions = {}): JsonSchema =>
  withoutDialect(z.toJSONSchema(retellParametersSchema(name, options), { io: 'input' }) as JsonSchema);

export interface RetellFunctionDefinition {
  name: RetellFunctionName;
  description: string;
  /** POST here; relative to the service's base URL. */
  url_path: string;
  /** Absolute URL when a base URL was given. */
  url?: string;
  parameters: JsonSchema;
}

/** A practice's services as the schema's enum (none for a practice whose one service takes any name). */
const servicesOf = (practice: Practice | undefined, language: Language): string[] | undefined =>
  practice && !practice.services.some((s) => s.anyName) ? serviceNames(practice.services, language) : undefined;

/**
 * Every function as a Retell custom function needs it: name, description, URL and parameters. For a
 * practice: its `/p/<id>/` URLs and its services as an enum.
 */
export const retellFunctionDefinitions = (options: RetellParameterOptions & { baseUrl?: string; practice?: Practice } = {}): RetellFunctionDefinition[] =>
  retellFunctionNames.map((name) => {
    const url_path = `${options.practice ? `/p/${encodeURIComponent(options.practice.id)}` : ''}/retell/functions/${name}`;
    const services = options.services ?? servicesOf(options.practice, options.language ?? 'de');
    return {
      name,
      description: functionSpecs[name].description[options.language ?? 'de'],
      url_path,
      ...(options.baseUrl !== undefined && { url: `${options.baseUrl.replace(/\/+$/, '')}${url_path}` }),
      parameters: retellParameters(name, { ...options, ...(services && { services }) }),
    };
  });

const requireField = (field: Field): JsonSchema => {
  const names = ALIASES[field];
  return names.length === 1 ? { required: [names[0]] } : { anyOf: names.map((n) => ({ required: [n] })) };
};
const requireAll = (fields: readonly Field[]): JsonSchema =>
  fields.length === 0 ? {} : fields.length === 1 ? requireField(fields[0]!) : { allOf: fields.map(requireField) };

/**
 * Every argument name the parser accepts for a function (German and English), as the parser reads
 * them: text, or a number taken as text; unknown arguments are ignored. Which must be given is
 * expressed with anyOf/allOf over the names.
 */
export const acceptedArgumentsSchema = (name: RetellFunctionName) => {
  const spec = functionSpecs[name];
  const shape: Record<string, z.ZodType> = {};
  for (const field of spec.fields) {
    const names = ALIASES[field];
    const german = argumentName(field, 'de');
    const english = argumentName(field, 'en');
    for (const key of [...names].reverse()) {
      const alias = names.length === 1 ? '' : key === german ? ` (German name; English: ${english})` : ` (English name; German: ${german})`;
      shape[key] = argumentValue.optional().describe(`${describeField(name, field, 'en')}${alias}; at most ${MAX_LENGTH[field]} characters`);
    }
  }
  const completeness = spec.requires.length === 1 ? requireAll(spec.requires[0]!) : { anyOf: spec.requires.map(requireAll) };
  return z
    .object(shape)
    .loose()
    .meta({ description: `Arguments of ${name}. ${spec.description.en}`, ...completeness });
};
