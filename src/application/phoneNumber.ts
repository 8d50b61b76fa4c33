import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneRegion = CountryCode;

export const isPhoneRegion = (region: string): region is PhoneRegion => isSupportedCountry(region);

/**
 * A phone number as Cal.com accepts it: E.164 (`+491712345678`). National formats ("0171 2345678") are
 * read in `region` (the practice's country); a number that is not a valid number there is a problem,
 * said in English for the agent's LLM.
 */
export const toE164 = (text: string, region: PhoneRegion): { e164: string } | { problem: string } => {
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: region });
  if (!parsed || !parsed.isValid()) return { problem: `phone '${text}' is not a valid phone number (national numbers are read as ${region})` };
  return { e164: parsed.number };
};
