import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, on their own registry (tests can create several). */
export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metric = { registers: [registry] };
  return {
    registry,
    bookingsAnswered: new Counter({ name: 'booking_ledger_bookings_answered_total', help: 'book_appointment answers by status and practice', labelNames: ['status', 'practice'], ...metric }),
    oldestWriteTransaction: new Gauge({
      name: 'booking_ledger_oldest_write_transaction_seconds',
      help: 'Age of the oldest open write transaction on the event store\'s PostgreSQL server (it holds the global order back), measured by /readyz',
      ...metric,
    }),
    movesAnswered: new Counter({ name: 'booking_ledger_moves_answered_total', help: 'reschedule_appointment answers by status and practice', labelNames: ['status', 'practice'], ...metric }),
    duplicatesDetected: new Counter({ name: 'booking_ledger_duplicates_detected_total', help: 'Duplicate Cal.com answers by reason', labelNames: ['reason'], ...metric }),
    webhookDeliveries: new Counter({ name: 'booking_ledger_webhook_deliveries_total', help: 'Cal.com webhook deliveries by result', labelNames: ['result'], ...metric }),
    bookingsUnconfirmed: new Counter({ name: 'booking_ledger_bookings_unconfirmed_total', help: 'Bookings marked unconfirmed by the reconciler (alert on increase)', ...metric }),
    calcomLatency: new Histogram({
      name: 'booking_ledger_calcom_request_seconds',
      help: 'Cal.com API latency by operation and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      ...metric,
    }),
    bookingsUnprovenAtCallEnd: new Counter({
      name: 'booking_ledger_bookings_unproven_at_call_end_total',
      help: 'Bookings still not proven by Cal.com when their Retell call ended (looked up at once; alert on increase)',
      ...metric,
    }),
    truthAuditFindings: new Counter({
      name: 'booking_ledger_truth_audit_findings_total',
      help: 'Truth-audit findings (what a caller was told vs. what Cal.com holds), each counted once, by finding',
      labelNames: ['finding'],
      ...metric,
    }),
    retellWebhooks: new Counter({ name: 'booking_ledger_retell_webhooks_total', help: 'Retell call webhooks by event and result', labelNames: ['event', 'result'], ...metric }),
    calcomThrottled: new Counter({
      name: 'booking_ledger_calcom_throttled_total',
      help: 'Cal.com calls not sent because the API key\'s request budget was used up (our limiter), by operation',
      labelNames: ['operation'],
      ...metric,
    }),
    calcomRateLimitTokens: new Gauge({
      name: 'booking_ledger_calcom_rate_limit_tokens',
      help: 'Requests the Cal.com API key may still send at once, as this instance last saw its shared bucket',
      ...metric,
    }),
    calcomConfigurationErrors: new Counter({
      name: 'booking_ledger_calcom_configuration_errors_total',
      help: 'Cal.com refusals that are set-up errors: unauthorized (API key), booking_field_required, seated_event_type (alert on any)',
      labelNames: ['kind'],
      ...metric,
    }),
    calcomErrors: new Counter({ name: 'booking_ledger_calcom_errors_total', help: 'Cal.com calls that did not succeed, by operation and reason', labelNames: ['operation', 'reason'], ...metric }),
    projectionParked: new Counter({
      name: 'booking_ledger_projection_parked_events_total',
      help: 'Events a projection could not apply and parked (alert on any increase; see bl_parked_events)',
      labelNames: ['projection'],
      ...metric,
    }),
    projectionLag: new Gauge({ name: 'booking_ledger_projection_lag_seconds', help: 'Age of the oldest event a projection has not applied yet (0 when caught up)', labelNames: ['projection'], ...metric }),
  };
};
export type Metrics = ReturnType<typeof createMetrics>;
