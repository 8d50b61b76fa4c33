/** Every value put into a page goes through here (text and attribute values alike). */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A value as a CSS class name (anything else becomes `_`). */
export const className = (value: string): string => value.replace(/[^A-Za-z0-9_-]/g, '_');
