/** What use cases report to the outside (logs, metrics), without knowing pino or prom-client. */
export interface Telemetry {
  /** Structured log; `fields` must never hold caller names, emails or phone numbers. */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  bookingAnswered(status: string): void;
  /** reschedule_appointment answered with this status. */
  moveAnswered(status: string): void;
  duplicateDetected(reasons: readonly string[]): void;
  webhookDelivery(result: string): void;
  bookingUnconfirmed(): void;
  /** Cal.com refused because of how it is set up (API key, required booking field, seated event type). */
  calcomConfigurationError(kind: string): void;
  /** A call ended with a booking not yet proven by Cal.com (looked up at once). */
  bookingUnprovenAtCallEnd(): void;
  /** A new truth-audit finding (counted once per finding). */
  truthAuditFinding(kind: string): void;
}

export const silentTelemetry: Telemetry = {
  log: () => undefined,
  bookingAnswered: () => undefined,
  moveAnswered: () => undefined,
  duplicateDetected: () => undefined,
  webhookDelivery: () => undefined,
  bookingUnconfirmed: () => undefined,
  calcomConfigurationError: () => undefined,
  bookingUnprovenAtCallEnd: () => undefined,
  truthAuditFinding: () => undefined,
};
