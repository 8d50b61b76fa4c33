/** NUL and unpaired UTF-16 surrogates cannot be stored in PostgreSQL text/jsonb. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const isStorableText = (value: string): boolean => !new RegExp(UNSTORABLE.source).test(value);

/** Whether every string (and key) anywhere in a parsed JSON value can be stored. */
export const isStorableJson = (value: unknown): boolean => {
  if (typeof value === 'string') return isStorableText(value);
  if (Array.isArray(value)) return value.every(isStorableJson);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => isStorableText(k) && isStorableJson(v));
  return true;
};

/** The text with each unstorable character written as a visible \uXXXX escape, so it can be kept. */
export const toStorableText = (value: string): string =>
  value.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
