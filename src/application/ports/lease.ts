/** A named lease: at most one holder at a time across all instances, until it expires or is released. */
export interface Leases {
  /** Takes (or renews) the lease for `holder` for `ttlMs`; false when someone else holds it. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}
