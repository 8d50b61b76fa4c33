import { escapeHtml } from '../../../application/timeline/html/escapeHtml';
import { PAGE_STYLE } from '../../../application/timeline/html/pageStyle';

export const CONSOLE_SCRIPT_PATH = '/console/console.js';

/**
 * Console pages hold caller names: nothing loaded from elsewhere, only this origin's script, forms
 * only to this origin, not cached, never framed.
 */
export const CONSOLE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Same-origin only (not no-referrer: with it, browsers send `Origin: null` on the console's own forms).
  'Referrer-Policy': 'same-origin',
};

/** The bar at the top of every console page: where to go, and the sign-out form (with its CSRF token). */
/** Who is looking: a signed-in browser (its CSRF token), a script with the bearer token, anyone (no token set), or nobody yet. */
export type ConsoleVisitor = { csrfToken: string } | 'bearer' | 'open' | 'anonymous';

const whoIs = (visitor: ConsoleVisitor): string => {
  if (typeof visitor === 'object') return `<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${escapeHtml(visitor.csrfToken)}"><button type="submit" id="sign-out">Sign out</button></form>`;
  if (visitor === 'bearer') return '<span class="signed-in-by-token">signed in with the bearer token</span>';
  if (visitor === 'open') return '<span class="open-console">no ADMIN_TOKEN set: the console is open (development only)</span>';
  return '';
};

export const consoleNav = (visitor: ConsoleVisitor): string => `<nav class="console">
<a href="/console">Calls and findings</a><a href="/console#findings">Open findings</a><a href="/openapi.json">API</a>
${whoIs(visitor)}
</nav>`;

const CONSOLE_STYLE = `
main.console{padding:12px 24px}
form.search{background:#fff;border:1px solid #d5d9e2;border-radius:6px;padding:8px 12px;margin:12px 0}
form.search label{display:inline-block;margin:4px 12px 4px 0}
form.sign-in{max-width:420px;margin:48px auto;background:#fff;border:1px solid #d5d9e2;border-radius:6px;padding:16px 20px}
form.sign-in input[type=password]{width:100%;padding:6px;font:inherit}
.notice{padding:8px 12px;border-radius:6px;background:#fff8e1;border:1px solid #ffd479}
.error{padding:8px 12px;border-radius:6px;background:#fff5f5;border:1px solid #c62828;color:#b71c1c}
td.told{max-width:520px}
`;

/** One console document: the shared style, the console's script, its navigation and the body. */
export const consolePage = (title: string, nav: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}${CONSOLE_STYLE}</style><script src="${CONSOLE_SCRIPT_PATH}" defer></script></head>
<body>
${nav}
<header class="page"><h1>${escapeHtml(title)}</h1></header>
${body}
</body></html>
`;
