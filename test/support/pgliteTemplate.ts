import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A dump of a freshly initialised PGlite data directory without its template databases, made by test/support/globalSetup.ts (`-lean`: what it holds). */
export const pgliteTemplatePath = (): string => {
  const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  return path.join(tmpdir(), `booking-ledger-pglite-${version}-lean-${process.getuid?.() ?? 0}.tar`);
};

/** The template as a Blob, or undefined (then PGlite runs initdb itself, ~2 s instead of ~0.5 s). */
export const pgliteTemplate = (): Blob | undefined => {
  const file = pgliteTemplatePath();
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
};
