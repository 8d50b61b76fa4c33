import { escapeHtml } from '../../../application/timeline/html/escapeHtml';
import { consoleNav, consolePage } from './consolePage';

export interface SignInPageState {
  next: string;
  /** Why the analyst is here: a session that ended, a wrong token, a sign-out, too many tries. */
  notice?: 'expired' | 'signed_out' | 'wrong_token' | 'too_many' | 'no_token_configured';
}

const NOTICES: Record<NonNullable<SignInPageState['notice']>, [string, string]> = {
  expired: ['notice', 'Your session has ended (it expired, you signed out elsewhere, or the admin token changed). Sign in again.'],
  signed_out: ['notice', 'You are signed out.'],
  wrong_token: ['error', 'That is not the admin token.'],
  too_many: ['error', 'Too many sign-in attempts from this address. Wait a few minutes and try again.'],
  no_token_configured: ['notice', 'No ADMIN_TOKEN is configured: the console is open without signing in (development only).'],
};

/** The sign-in form: the admin token in, an HttpOnly session cookie out. */
export const signInPage = (state: SignInPageState, sessionHours: number): string => {
  const notice = state.notice ? `<p class="${NOTICES[state.notice][0]}" id="sign-in-notice">${escapeHtml(NOTICES[state.notice][1])}</p>` : '';
  const form =
    state.notice === 'no_token_configured'
      ? `<p><a href="${escapeHtml(state.next)}">Open the console</a></p>`
      : `<form class="sign-in" method="post" action="/console/sign-in">
<h2>Sign in</h2>
<p>Paste the service's admin token (ADMIN_TOKEN). You stay signed in for ${escapeHtml(sessionHours)} h or until you sign out.</p>
<input type="hidden" name="next" value="${escapeHtml(state.next)}">
<p><label>Admin token<br><input type="password" name="token" id="token" autocomplete="current-password" required maxlength="512"></label></p>
<p><button type="submit" id="sign-in">Sign in</button></p>
</form>`;
  return consolePage('booking-ledger console', consoleNav('anonymous'), `<main class="console">${notice}${form}</main>`);
};
