/**
 * A token bucket shared by everything that calls Cal.com with one API key (all instances on
 * PostgreSQL). `take` never waits: it says at once whether a request may go out now.
 */
export interface RateLimiter {
  /**
   * Takes one token of `key` unless fewer than `1 + keep` are left (`keep` holds tokens back for more
   * important calls). Returns whether it was taken and how many tokens remain.
   */
  take(key: string, options?: { keep?: number }): Promise<{ taken: boolean; remaining: number }>;
}
