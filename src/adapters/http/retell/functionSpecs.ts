import { z } from 'zod';
import { ALIASES, MAX_LENGTH, argumentValue, type Field, type Language } from './argFields';

/**
 * The four Retell custom functions: which arguments each reads, which it requires, and what they
 * mean. One table, used three ways:
 * - the argument parsers (`bookingArgs.ts`) read exactly these fields and require these ones;
 * - `retellParameters` turns it into the JSON Schema to paste into a Retell agent (German argument
 *   names by default, English on request), served at GET /retell/functions and printed by
 *   `booking-ledger retell-functions`;
 * - `acceptedArgumentsSchema` documents every name the parser accepts (German and English) in the
 *   OpenAPI document.
 * Argument names and length limits come from `argFields.ts` (`ALIASES`, `MAX_LENGTH`).
 */

export const retellFunctionNames = ['check_availability', 'book_appointment', 'get_booking_status', 'cancel_appointment'] as const;
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
  name: { de: 'Vor- und Nachname des Anrufers', en: "The caller's first and last name" },
  service: { de: 'optional: gewünschte Dienstleistung', en: 'optional: the service asked for' },
  email: { de: 'optional: E-Mail-Adresse des Anrufers', en: "optional: the caller's email address" },
  phone: { de: 'optional: Telefonnummer des Anrufers, z.B. +49 30 1234567', en: "optional: the caller's phone number, e.g. +49 30 1234567" },
  bookingId: { de: 'booking_id aus einer früheren Antwort', en: 'booking_id from an earlier answer' },
  reason: { de: 'optional: Grund der Absage', en: 'optional: why the caller cancels' },
  language: { de: "optional: Sprache der Antwort, 'de' oder 'en'", en: "optional: language of the answer, 'de' or 'en'" },
};

const lookupDescriptions: Partial<Record<Field, Text>> = {
  date: { de: 'Tag des Termins (wenn keine booking_id bekannt ist), z.B. 10.10.2025', en: 'Day of the appointment (when no booking_id is known), e.g. 2025-10-10' },
  time: { de: 'Uhrzeit des Termins (wenn keine booking_id bekannt ist), z.B. 08:00', en: 'Time of the appointment (when no booking_id is known), e.g. 08:00' },
};

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
    description: {
      de: 'Sagt, wie es um einen Termin dieses Anrufs steht. Gib booking_id an, oder datum und uhrzeit.',
      en: 'Tells the state of an appointment of this call. Give booking_id, or date and time.',
    },
    fields: ['bookingId', 'date', 'time', 'language'],
    requires: [['bookingId'], ['date', 'time']],
    describe: lookupDescriptions,
  },
  cancel_appointment: {
    description: {
      de: 'Sagt einen Termin dieses Anrufs ab. Gib booking_id an, oder datum und uhrzeit.',
      en: 'Cancels an appointment of this call. Give booking_id, or date and time.',
    },
    fields: ['bookingId', 'date', 'time', 'reason', 'language'],
    requires: [['bookingId'], ['date', 'time']],
    describe: lookupDescriptions,
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
}

const callIdDescription: Text = {
  de: 'Die Retell call_id dieses Anrufs (z.B. aus einer dynamischen Variable)',
  en: "This call's Retell call_id (e.g. from a dynamic variable)",
};

/** The zod schema of a function's parameters as a Retell agent declares them (one name per argument). */
export const retellParametersSchema = (name: RetellFunctionName, options: RetellParameterOptions = {}) => {
  const language = options.language ?? 'de';
  const required = new Set(requiredFields(name));
  const shape: Record<string, z.ZodType> = {};
  for (const field of functionSpecs[name].fields) {
    const value = z.string().max(MAX_LENGTH[field]).describe(describeField(name, field, language));
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

/** Every function as a Retell custom function needs it: name, description, URL and parameters. */
export const retellFunctionDefinitions = (options: RetellParameterOptions & { baseUrl?: string } = {}): RetellFunctionDefinition[] =>
  retellFunctionNames.map((name) => {
    const url_path = `/retell/functions/${name}`;
    return {
      name,
      description: functionSpecs[name].description[options.language ?? 'de'],
      url_path,
      ...(options.baseUrl !== undefined && { url: `${options.baseUrl.replace(/\/+$/, '')}${url_path}` }),
      parameters: retellParameters(name, options),
    };
  });

const requireField = (field: Field): JsonSchema => {
  const names = ALIASES[field];
  return names.length === 1 ? { required: [names[0]] } : { anyOf: names.map((n) => ({ required: [n] })) };
};
const requireAll = (fields: readonly Field[]): JsonSchema => (fields.length === 1 ? requireField(fields[0]!) : { allOf: fields.map(requireField) });

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
