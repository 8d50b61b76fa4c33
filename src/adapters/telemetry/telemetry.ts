import type { Logger } from 'pino';
import type { Telemetry } from '../../application/ports/telemetry';
import type { Metrics } from './metrics';

/** Telemetry of one practice: its answers counted under its id (a label bounded by the practices file). */
export const createTelemetry = (logger: Logger, metrics: Metrics, practice = 'default'): Telemetry => ({
  log: (level, message, fields = {}) => logger[level](fields, message),
  bookingAnswered: (status) => metrics.bookingsAnswered.inc({ status, practice }),
  moveAnswered: (status) => metrics.movesAnswered.inc({ status, practice }),
  duplicateDetected: (reasons) => reasons.forEach((reason) => metrics.duplicatesDetected.inc({ reason })),
  webhookDelivery: (result) => metrics.webhookDeliveries.inc({ result }),
  bookingUnconfirmed: () => metrics.bookingsUnconfirmed.inc(),
  calcomConfigurationError: (kind) => metrics.calcomConfigurationErrors.inc({ kind }),
  bookingUnprovenAtCallEnd: () => metrics.bookingsUnprovenAtCallEnd.inc(),
  truthAuditFinding: (kind) => metrics.truthAuditFindings.inc({ finding: kind }),
});
