/**
 * How long a background job's lease lasts: three rounds, at least a second. It is renewed every round, so
 * a holder that died (a killed process) stops blocking the other instances after that long. The lease
 * saves duplicate work; it is not what keeps a booking from being posted twice (BookingResumeStarted is
 * appended with the stream's version before any POST, so only one instance's resume wins).
 */
export const leaseTtlMs = (intervalMs = 0): number => Math.max(1_000, 3 * intervalMs);
