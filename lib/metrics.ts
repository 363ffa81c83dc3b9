import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The service's business metrics (CloudWatch EMF); alarms watch the anomaly and open-over-24h ones. */
export type MetricName =
  | 'PayoutCreated'
  | 'PayoutSucceeded'
  | 'PayoutFailed'
  | 'PayoutOutcomeUnknown'
  | 'CallbackRejected'
  | 'PayoutAnomaly'
  | 'PayoutOpenOver24h'
  | 'ReconcileFailure'
  | 'ReconcileBacklog'
  | 'ReconcileOldestDueSeconds'
  | 'BatchAccepted'
  | 'BatchItemConflict'
  | 'BatchItemSent'
  | 'EventPublished'
  | 'EventPublishFailure'
  | 'WebhookDelivered'
  | 'WebhookRetried'
  | 'WebhookDeadLettered'
  | 'CapRefused'
  | 'CapReleaseFailed';

/** Counts events; the use cases see only this. */
export interface Counter {
  count(name: MetricName, value?: number, unit?: 'Count' | 'Seconds'): void;
}

/**
 * Powertools Metrics, flushed by `publishMetrics` after each invocation. Its `service`
 * dimension is POWERTOOLS_SERVICE_NAME (`paypro-payouts-<stage>`), which the alarms watch.
 */
export const metrics = new Metrics({ namespace: 'PayproPayouts' });

/** A Counter that records into Powertools Metrics. */
export const cloudWatchCounter: Counter = {
  count(name, value = 1, unit = 'Count') {
    metrics.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
  },
};

/** Middy middleware: publishes what the invocation counted, and nothing (no warning) when it counted nothing. */
export function publishMetrics() {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
