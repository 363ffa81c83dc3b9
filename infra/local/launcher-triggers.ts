/*
 * Stand-ins for the triggers serverless-offline does not run: the schedules of reconcile,
 * wake-batches, float-monitor and paypro-breaker (more often than deployed), the table stream of publish-events (sweep-outbox), and the SQS event sources.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import type { LocalDeps } from './deps';
import { createSqsEventSource, type SqsEventSource } from './event-source';
import { functionName, invokeLocal } from './invoke';
import { settings } from './launcher-settings';

let waking = false;

/** Stands in for wake-batches' 1-minute schedule, every WAKE_BATCHES_INTERVAL_S; a tick is skipped while one runs. */
export async function wakeBatches(stopping: () => boolean): Promise<void> {
  if (waking) return;
  waking = true;
  try {
    const summary = (await invokeLocal(
      settings.lambdaPort,
      functionName(settings.stage, 'wake-batches'),
      {},
    )) as { woken?: number } | undefined;
    if (summary?.woken) console.log(`[batches] woke ${summary.woken} batch(es) with a step due`);
  } catch (error) {
    if (!stopping()) console.error(`[batches] ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    waking = false;
  }
}

let monitoring = false;

/** Stands in for float-monitor's 1-minute schedule, every FLOAT_MONITOR_INTERVAL_S; prints each crossing it sends. */
export async function monitorFloat(stopping: () => boolean): Promise<void> {
  if (monitoring) return;
  monitoring = true;
  try {
    const summary = (await invokeLocal(
      settings.lambdaPort,
      functionName(settings.stage, 'float-monitor'),
      {},
    )) as { event?: string; level?: string } | undefined;
    if (summary?.event) console.log(`[float] ${summary.event} (now ${summary.level})`);
  } catch (error) {
    if (!stopping()) console.error(`[float] ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    monitoring = false;
  }
}

let watching = false;

/** One transition as paypro-breaker's summary lists it. */
interface PublishedTransition {
  type?: string;
  since?: string;
  failure?: string;
  restoredAt?: string;
}

/**
 * Stands in for paypro-breaker's 1-minute schedule, every PAYPRO_BREAKER_INTERVAL_S; prints each
 * transition it published. A run that finds the breaker open probes until Paypro answers or its
 * time is up, so while Paypro is down the ticks in between are skipped.
 */
export async function watchPaypro(stopping: () => boolean): Promise<void> {
  if (watching) return;
  watching = true;
  try {
    const summary = (await invokeLocal(
      settings.lambdaPort,
      functionName(settings.stage, 'paypro-breaker'),
      {},
    )) as { published?: PublishedTransition[] } | undefined;
    for (const t of summary?.published ?? []) {
      console.log(
        t.type === 'Paypro Restored'
          ? `[paypro] Paypro Restored at ${t.restoredAt} (unavailable since ${t.since}; last seen: ${t.failure})`
          : `[paypro] Paypro Unavailable since ${t.since} (${t.failure}); sends are held until a probe succeeds`,
      );
    }
  } catch (error) {
    if (!stopping()) console.error(`[paypro] ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    watching = false;
  }
}

export async function runReconciler(): Promise<void> {
  try {
    const summary = await invokeLocal(settings.lambdaPort, functionName(settings.stage, 'reconcile'));
    console.log(`[reconciler] ${JSON.stringify(summary)}`);
  } catch (error) {
    console.error(`[reconciler] ${error instanceof Error ? error.message : String(error)}`);
  }
}

/*
 * Stand-in for publish-events' DynamoDB stream trigger, which dynalite lacks: sweep-outbox's
 * scheduled sweep (`{}`), every LOCAL_OUTBOX_INTERVAL_MS, with OUTBOX_SWEEP_MIN_AGE_S=0. Faithful
 * enough, because what is published never depends on the trigger: every status change commits
 * its event into the payout item in the same conditional write (the outbox), and both the stream
 * path and the sweep run the same use case on it (publishPending: read the outbox, PutEvents,
 * clear it only if nothing was added meanwhile), so the events, their order per payout and their
 * eventIds (tradeNo:version) are the same; delivery is at least once either way. What differs is
 * only the trigger: up to one interval of delay instead of the stream's ~1 s, and 16 queries of
 * the sparse outbox index (only payouts with events waiting) instead of a filtered batch. Never
 * two of ours at once: a tick is skipped while one runs. (serverless-offline also fires the
 * function's 1-minute schedule from serverless.yml, which may overlap one; harmless, as on AWS
 * where the stream and the schedule overlap: the clear is conditional, eventIds are stable.)
 * Cost, measured through serverless-offline on 2 cores: 50-130 ms a sweep (p50 76 ms, p95 131 ms),
 * about 9 % of one core on top of an idle stack's 4 %; it does not grow with the table.
 */
let sweeping = false;
let lastSweepError: string | undefined;

export async function sweepOutbox(stopping: () => boolean): Promise<void> {
  if (sweeping) return;
  sweeping = true;
  try {
    const summary = (await invokeLocal(
      settings.lambdaPort,
      functionName(settings.stage, 'sweep-outbox'),
      {},
    )) as { payouts?: number; events?: number; failed?: number } | undefined;
    if (lastSweepError !== undefined) console.log('[outbox] publishing again');
    lastSweepError = undefined;
    if (summary?.failed) console.error(`[outbox] ${JSON.stringify(summary)}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Once per distinct failure, not every second.
    if (!stopping() && message !== lastSweepError) console.error(`[outbox] ${message}`);
    lastSweepError = message;
  } finally {
    sweeping = false;
  }
}

/**
 * Lambda's event source mapping of one queue, as serverless.yml configures it: batches of
 * `batchSize`, ReportBatchItemFailures, at most `maximumConcurrency` invocations of `name` at once, through
 * serverless-offline (which runs no SQS event sources itself).
 */
export function queueConsumer(
  deps: LocalDeps,
  queueUrl: string,
  name: string,
  { batchSize, maximumConcurrency }: { batchSize: number; maximumConcurrency: number },
  onError: (error: unknown) => void,
): SqsEventSource {
  return createSqsEventSource({
    endpoint: deps.sqs.url,
    queueName: queueUrl.split('/').pop() as string,
    batchSize,
    maximumConcurrency,
    handler: async (event) =>
      (await invokeLocal(settings.lambdaPort, functionName(settings.stage, name), event)) as SQSBatchResponse,
    onError,
  });
}
