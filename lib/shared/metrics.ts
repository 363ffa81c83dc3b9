import { powertoolsFlag } from './env';

/*
 * Why a hand-written writer and not @aws-lambda-powertools/metrics: issue 8 holds every function
 * bundle to at most 1.15× the size and load time of a floor bundle with the same AWS clients
 * (`npm run bench`). Powertools Metrics put about 10 KB minified into every bundle, while
 * create-payout was at 1.145× with about 3 KB left. What we use of it (one namespace, the
 * `service` dimension, Count, Seconds and None) fits in the writer below, which prints the lines
 * Powertools printed, so the alarms of infra/alarms.yml see the same metrics.
 */

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
  | 'BatchItemRejected'
  | 'BatchItemSent'
  | 'BatchRejected'
  | 'BatchCancelled'
  | 'BatchCompleted'
  | 'BatchStepFailure'
  | 'EventPublished'
  | 'EventPublishFailure'
  | 'WebhookDelivered'
  | 'WebhookRetried'
  | 'WebhookDeadLettered'
  | 'PayoutResolved'
  | 'CapRefused'
  | 'CapReleaseFailed'
  | 'FloatAvailable'
  | 'FloatFrozen'
  | 'FloatUnsettled'
  | 'FloatInFlight'
  | 'FloatReadFailed'
  | 'PayproUnavailable'
  | 'PayproRestored'
  | 'PayproBreakerOpen'
  | 'PayproCallHeld'
  | 'PayproRateLimited'
  | 'PayproBreakerStoreFailure'
  | 'PayoutSendNotTakenIn'
  | 'PayoutSendAmbiguous'
  | 'PayoutResent'
  | 'PayoutFlaggedUnknown';

/** Counts events; the use cases see only this. */
export interface Counter {
  /** `None` for a figure that is neither (the float's shillings). */
  count(name: MetricName, value?: number, unit?: Unit): void;
}

/** The CloudWatch namespace of every metric; the alarms watch it. */
export const METRICS_NAMESPACE = 'PayproPayouts';

type Unit = 'Count' | 'Seconds' | 'None';

/** EMF allows at most 100 metrics in one line and 100 values in one metric. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;

export interface EmfWriterOptions {
  /** Read once, at construction, as Powertools does; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where each EMF line goes; default stdout, or console.log under POWERTOOLS_DEV. */
  print?: (line: string) => void;
  /** `_aws.Timestamp`, in ms since the epoch; default `Date.now`. */
  now?: () => number;
}

/**
 * Collects metrics and prints them as one CloudWatch Embedded Metric Format (EMF) JSON line per
 * flush, exactly as `new Metrics({ namespace: 'PayproPayouts' })` of Powertools did:
 * - dimension `service` = POWERTOOLS_SERVICE_NAME (`paypro-payouts-<stage>`), `service_undefined`
 *   when unset or empty;
 * - a name counted again before a flush becomes an array of its values, which CloudWatch
 *   aggregates; its unit may not change (an error, as in Powertools);
 * - at most 100 metrics a line and 100 values a metric: reaching either flushes early;
 * - disabled when POWERTOOLS_METRICS_DISABLED is true, or is unset and POWERTOOLS_DEV is true (as
 *   in the tests): it still counts and clears, and prints nothing (a POWERTOOLS_METRICS_DISABLED
 *   that is not a boolean counts as unset, where Powertools failed at import);
 * - written straight to stdout, not through console.log, which the Lambda runtime rewrites.
 */
export class EmfWriter {
  readonly #service: string;
  readonly #enabled: boolean;
  readonly #print: (line: string) => void;
  readonly #now: () => number;
  #stored = new Map<string, { unit: Unit; values: number[] }>();

  constructor({ env = process.env, print, now = Date.now }: EmfWriterOptions = {}) {
    const dev = powertoolsFlag(env.POWERTOOLS_DEV) === true;
    this.#service = env.POWERTOOLS_SERVICE_NAME?.trim() || 'service_undefined';
    this.#enabled = !(powertoolsFlag(env.POWERTOOLS_METRICS_DISABLED) ?? dev);
    this.#print = print ?? (dev ? (line) => console.log(line) : (line) => process.stdout.write(`${line}\n`));
    this.#now = now;
  }

  addMetric(name: string, unit: Unit, value: number): void {
    if (this.#stored.size >= MAX_METRICS) this.publishStoredMetrics();
    const metric = this.#stored.get(name);
    if (!metric) {
      this.#stored.set(name, { unit, values: [value] });
    } else if (metric.unit !== unit) {
      throw new Error(`Metric "${name}" has already been added with unit "${metric.unit}", not "${unit}".`);
    } else if (metric.values.push(value) === MAX_VALUES) {
      this.publishStoredMetrics();
    }
  }

  hasStoredMetrics(): boolean {
    return this.#stored.size > 0;
  }

  /** Prints what was counted since the last flush as one EMF line, and forgets it; nothing if nothing. */
  publishStoredMetrics(): void {
    const stored = this.#stored;
    if (stored.size === 0) return;
    this.#stored = new Map();
    if (!this.#enabled) return;
    const definitions = [...stored].map(([Name, { unit }]) => ({ Name, Unit: unit }));
    const line: Record<string, unknown> = {
      _aws: {
        Timestamp: this.#now(),
        CloudWatchMetrics: [
          { Namespace: METRICS_NAMESPACE, Dimensions: [['service']], Metrics: definitions },
        ],
      },
      service: this.#service,
    };
    for (const [name, { values }] of stored) line[name] = values.length === 1 ? values[0] : values;
    this.#print(JSON.stringify(line));
  }
}

/** The functions' metrics, flushed by `publishMetrics` after each invocation. */
export const metrics = new EmfWriter();

/** A Counter that records into `metrics`. */
export const cloudWatchCounter: Counter = {
  count(name, value = 1, unit = 'Count') {
    metrics.addMetric(name, unit, value);
  },
};

/** Middy middleware: publishes what the invocation counted, and nothing (no warning) when it counted nothing. */
export function publishMetrics() {
  const flush = async () => metrics.publishStoredMetrics();
  return { after: flush, onError: flush };
}
