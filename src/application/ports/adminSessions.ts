/** A browser session of an analyst who signed in with the admin token. */
export interface AdminSession {
  /** Sent back in every form that changes something (sign-out): a cross-site page cannot know it. */
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Browser sessions of the analysts' console, shared by every instance. Only a digest of each session
 * id is kept; a session belongs to the admin token it was opened with, so rotating ADMIN_TOKEN ends them all.
 */
export interface AdminSessions {
  /** Opens a session until `expiresAt`; returns its secret id (the cookie's value) and its CSRF token. */
  open(tokenFingerprint: string, expiresAt: Date): Promise<{ id: string; csrfToken: string }>;
  /** The open session with this id, opened under this token and not expired at `now`. */
  find(id: string, tokenFingerprint: string, now: Date): Promise<AdminSession | undefined>;
  /** Signs a session out (nothing happens for an unknown id). */
  close(id: string): Promise<void>;
  /** Forgets expired and signed-out sessions; returns how many. */
  forgetExpired(now: Date): Promise<number>;
}
