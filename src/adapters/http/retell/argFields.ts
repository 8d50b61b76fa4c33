import { z } from 'zod';
import { isStorableText } from '../../../application/storableText';

/**
 * The argument names our Retell functions accept (German as in the seed prompt, and English),
 * read into trimmed strings. `null`, missing and blank values count as not given; numbers are
 * turned into text (an LLM may send a phone number as a number); anything else is a problem.
 * Unknown arguments (e.g. Retell's `execution_message`) are ignored.
 */

export type Field = 'date' | 'time' | 'newDate' | 'newTime' | 'name' | 'service' | 'email' | 'phone' | 'bookingId' | 'reason' | 'language';
export type Language = 'de' | 'en';

/**
 * The English argument name comes first (problems name the field by it), the German one last.
 * Also the source of the published argument schemas (`functionSpecs.ts`, GET /retell/functions).
 */
export const ALIASES: Record<Field, readonly [string, ...string[]]> = {
  date: ['date', 'datum'],
  time: ['time', 'uhrzeit'],
  newDate: ['new_date', 'neues_datum'],
  newTime: ['new_time', 'neue_uhrzeit'],
  name: ['name'],
  service: ['service', 'dienstleistung'],
  email: ['email'],
  phone: ['phone', 'telefon'],
  bookingId: ['booking_id'],
  reason: ['reason', 'grund'],
  language: ['language', 'sprache'],
};

export const MAX_LENGTH: Record<Field, number> = {
  date: 40, time: 40, newDate: 40, newTime: 40, name: 200, service: 200, email: 254, phone: 40, bookingId: 200, reason: 500, language: 20,
};

/** One argument's value: text, or a number read as text; trimmed. */
export const argumentValue = z.union([z.string(), z.number().finite()]).transform((value) => String(value).trim());
const text = argumentValue;

// NUL and unpaired UTF-16 surrogates cannot be stored (PostgreSQL text/jsonb): a problem to report, not a 503.
export { isStorableText } from '../../../application/storableText';

export const labelOf = (field: Field): string => ALIASES[field][0];

/**
 * Reads the given fields. A field given under two names with different values, too long, or not
 * text is a problem and lands in `rejected` (so callers don't also call it missing).
 */
export const readFields = (
  args: Record<string, unknown>,
  fields: readonly Field[],
): { values: Partial<Record<Field, string>>; problems: string[]; rejected: Set<Field> } => {
  const values: Partial<Record<Field, string>> = {};
  const problems: string[] = [];
  const rejected = new Set<Field>();
  for (const field of fields) {
    const given: Array<{ key: string; value: string }> = [];
    for (const key of ALIASES[field]) {
      const raw = args[key];
      if (raw === undefined || raw === null) continue;
      const parsed = text.safeParse(raw);
      if (!parsed.success) {
        problems.push(`${key} must be text, not ${Array.isArray(raw) ? 'a list' : typeof raw}`);
        rejected.add(field);
      } else if (!isStorableText(parsed.data)) {
        problems.push(`${key} contains characters that are not allowed`);
        rejected.add(field);
      } else if (parsed.data !== '') given.push({ key, value: parsed.data });
    }
    if (rejected.has(field)) continue;
    const distinct = new Set(given.map((g) => g.value));
    if (distinct.size > 1) {
      rejected.add(field);
      problems.push(`${labelOf(field)} is given twice with different values (${given.map((g) => `${g.key} '${g.value}'`).join(', ')})`);
    } else if (given[0] && given[0].value.length > MAX_LENGTH[field]) {
      rejected.add(field);
      problems.push(`${labelOf(field)} is too long (at most ${MAX_LENGTH[field]} characters)`);
    } else if (given[0]) {
      values[field] = given[0].value;
    }
  }
  return { values, problems, rejected };
};

const email = z.email();
const LANGUAGES = new Map<string, Language>([
  ['de', 'de'], ['deutsch', 'de'], ['german', 'de'], ['en', 'en'], ['englisch', 'en'], ['english', 'en'],
]);

export const emailProblem = (value: string): string | undefined =>
  email.safeParse(value).success ? undefined : `email '${value}' is not a valid email address`;

/** Invisible characters (format characters such as zero-width spaces, and marks) do not make a name. */
export const nameProblem = (value: string): string | undefined =>
  /\p{L}/u.test(value.replace(/\p{Cf}/gu, '')) ? undefined : `name '${value}' has no letters`;

/** `de`, `en`, `de-DE`, `en_GB`, `Deutsch`, `English`…; other languages are a problem. */
export const parseLanguage = (value: string): { language?: Language; problem?: string } => {
  const lower = value.toLowerCase();
  const language = LANGUAGES.get(lower) ?? LANGUAGES.get(/^([a-z]{2})[-_][a-z]{2,4}$/.exec(lower)?.[1] ?? '');
  return language ? { language } : { problem: `language '${value}' is not supported (use 'de' or 'en')` };
};
