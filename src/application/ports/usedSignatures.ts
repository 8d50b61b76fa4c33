/**
 * Signatures already accepted, with the function each was used for, shared by every instance. Retell
 * signs the body, not the URL, and has no nonce: the same signed body may come again within its
 * validity window (Retell retrying), but only ever to the function it was first used for.
 */
export interface UsedSignatures {
  /**
   * Records that `digest` was accepted for `fn` (kept until `expiresAt`), unless it was already;
   * returns the function it was first used for.
   */
  remember(digest: string, fn: string, expiresAt: Date): Promise<string>;
  /** Forgets signatures whose validity window has passed; returns how many. */
  forgetExpired(now: Date): Promise<number>;
}
