import type { Config } from '../config/config';

/** A URL without its password, for messages. */
export const withoutPassword = (url: string): string => url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');

const NOT_REACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC']);

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause ? codeOf(cause) : undefined;
};

/**
 * A start-up failure as one line that names the setting and the fix (exit 78), or undefined when it is
 * not one of the known set-up problems (then the error is reported as it is, exit 1).
 */
export const describeStartupError = (error: unknown, config: Config): string | undefined => {
  const code = codeOf(error);
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EADDRINUSE' || (syscall === 'listen' && code)) {
    return `PORT: ${config.PORT} is already in use by another process (${code}); stop that process or set PORT to a free port`;
  }
  const store = config.EVENT_STORE_URL;
  if (store.startsWith('pglite://') && (NOT_WRITABLE.has(code ?? '') || /PGlite failed to initiali[sz]e/i.test(message))) {
    return `EVENT_STORE_URL: the PGlite data directory ${store.slice('pglite://'.length)} cannot be used (${code ?? message}); choose a writable directory (e.g. pglite://./data/ledger) or fix its permissions`;
  }
  if (NOT_REACHABLE.has(code ?? '') || /ECONNREFUSED|getaddrinfo|connect ETIMEDOUT|UNAVAILABLE|No connection established|Failed to connect/i.test(message)) {
    const kind = /^(esdb|kurrentdb)/.test(store) ? 'EventStoreDB' : 'PostgreSQL';
    const setting = config.READ_MODEL_URL && message.includes(new URL(config.READ_MODEL_URL).host) ? 'READ_MODEL_URL' : 'EVENT_STORE_URL';
    const url = setting === 'READ_MODEL_URL' ? config.READ_MODEL_URL! : store;
    return `${setting}: ${kind} at ${withoutPassword(url)} is not reachable (${code ?? message.split('\n')[0]}); start it, or fix the URL`;
  }
  return undefined;
};
