import { randomUUID } from 'node:crypto';
import type { EventBus } from '../events/bus';
import { drainOutbox } from '../shared/outbox';
import type { PageCursor } from '../shared/page-cursor';
import { awaitsFundsCheck, type BatchRecord, type BatchStatus } from './batch';
import type { BatchEvent } from './events';
import { checkFunds } from './funds-steps';
import type { BatchStepQueue } from './queue';
import { MAX_DELAY_SECONDS } from './queue';
import {
  awaitApproval,
  awaitLines,
  checkCompletion,
  recordNext,
  releaseShares,
  reserveRecipients,
  type StepContext,
  type StepDeps,
  type StepResult,
} from './steps';
import type { HeaderChange } from './store';

/** What advancing a batch needs. */
export interface AdvanceDeps extends StepDeps {
  steps: BatchStepQueue;
  bus: EventBus;
  /** How long a run's lease lasts: longer than the function's timeout, so it never expires while its run lives. */
  leaseMs: number;
}

/** What one run did: where the batch stands after it, or why it did nothing. */
export interface AdvanceSummary {
  batchId: string;
  status: BatchStatus | 'missing' | 'busy';
  events: number;
}

// A run stops taking steps this long before its time is up, and asks for the next run instead.
const MARGIN_MS = 15_000;
// A run whose steps keep being refused while it holds the lease stops after this many (a bug, not a race).
const MAX_REFUSALS = 5;
// A run that could not publish its events asks the wake-up to try again this soon.
const PUBLISH_RETRY_MS = 60_000;

async function step(deps: AdvanceDeps, context: StepContext): Promise<StepResult> {
  const { record } = context;
  switch (record.status) {
    case 'RECEIVED':
      return record.lineRows === undefined ? awaitLines(deps, context) : reserveRecipients(deps, context);
    case 'AWAITING_APPROVAL':
      return awaitApproval(deps, context);
    case 'AWAITING_FUNDS':
      return checkFunds(deps, context);
    case 'RECORDING':
      // Nothing is recorded before the funds check lets the batch through.
      return awaitsFundsCheck(record) ? checkFunds(deps, context) : recordNext(deps, context);
    case 'SENDING':
      return checkCompletion(deps, context);
    case 'REJECTED':
    case 'CANCELLED':
      return record.sharesSettled ? { afterwards: 'stop', record } : releaseShares(deps, context);
    default:
      return { afterwards: 'stop', record };
  }
}

/** Runs the batch's steps until it must wait, is done, is no longer ours, or time runs out. */
async function runSteps(
  deps: AdvanceDeps,
  context: StepContext,
  acquire: () => Promise<BatchRecord | undefined>,
  timeLeftMs: () => number,
): Promise<void> {
  const { batchId } = context.record;
  let refusals = 0;
  for (;;) {
    if (timeLeftMs() < MARGIN_MS || refusals >= MAX_REFUSALS) {
      await deps.steps.wake(batchId);
      return;
    }
    const result = await step(deps, context);
    if (result.afterwards === 'refused') {
      // An operator decided meanwhile, or the lease is gone: read again, go on only if still ours.
      refusals += 1;
      const again = await acquire();
      if (!again) return;
      context.record = again;
      continue;
    }
    context.record = result.record;
    if (result.afterwards !== 'continue') {
      await pause(deps, context, result);
      return;
    }
  }
}

/** Ends a run that has nothing to do now: done for good, or due again after the step's wait. */
async function pause(
  deps: AdvanceDeps,
  context: StepContext,
  result: Extract<StepResult, { afterwards: 'stop' | 'wait' }>,
): Promise<void> {
  if (result.afterwards === 'stop') {
    // Nothing left to do: the wake-up stops looking at it.
    await context.write({ remove: ['nextStepAt'] });
    return;
  }
  const at = new Date(deps.now().getTime() + result.ms).toISOString();
  await context.write({ set: { nextStepAt: at } });
  // Further than SQS can delay a message: the wake-up finds it by its nextStepAt.
  if (result.ms <= MAX_DELAY_SECONDS * 1000) await deps.steps.wake(context.record.batchId, result.ms / 1000);
}

/**
 * Takes a batch as far as it can go now: one run at a time per batch (a lease on its header,
 * longer than any run lives), each step idempotent and its progress written on the header, so
 * a run that dies anywhere is resumed by the next without recording, reserving or sending
 * anything twice. Asks for its next run when it must wait or runs out of time, then publishes
 * the batch's committed events.
 */
export async function advanceBatch(
  deps: AdvanceDeps,
  batchId: string,
  timeLeftMs: () => number,
): Promise<AdvanceSummary> {
  const owner = randomUUID();
  const leaseEnd = () => new Date(deps.now().getTime() + deps.leaseMs).toISOString();
  const acquire = () => deps.batches.acquireLease(batchId, owner, leaseEnd(), deps.now().toISOString());
  let record = await acquire();
  if (!record) {
    const exists = await deps.batches.get(batchId);
    if (!exists) deps.log.error('batch step for a batch that does not exist', { batchId });
    return { batchId, status: exists ? 'busy' : 'missing', events: 0 };
  }
  const context: StepContext = {
    record,
    write: (change: HeaderChange) =>
      deps.batches.update(batchId, {
        ...change,
        lease: owner,
        set: { ...change.set, leaseUntil: leaseEnd() },
      }),
  };
  try {
    await runSteps(deps, context, acquire, timeLeftMs);
  } finally {
    await deps.batches.releaseLease(batchId, owner).catch((error: unknown) => {
      deps.log.warn('could not release a batch lease; it expires by itself', { batchId, error });
    });
  }
  record = context.record;
  const events = await publishBatchEvents(deps, batchId);
  return { batchId, status: record.status, events };
}

/**
 * Publishes the events the batch's header committed and empties its outbox (drainOutbox: only if
 * nothing was added meanwhile, a few tries). At-least-once; a failure leaves them for the wake-up
 * to retry.
 */
export async function publishBatchEvents(
  deps: Pick<AdvanceDeps, 'batches' | 'bus' | 'counter' | 'log' | 'now'>,
  batchId: string,
): Promise<number> {
  // Counted as they reach the bus, so a run that fails half-way still says what it published.
  let published = 0;
  const drain = {
    outbox: deps.batches,
    publish: async (events: readonly BatchEvent[]) => {
      await deps.bus.publish(events);
      published += events.length;
    },
    log: deps.log,
    counter: deps.counter,
  };
  try {
    await drainOutbox(drain, { id: batchId, fields: { batchId }, published: 'batch events published' });
  } catch (error) {
    deps.counter.count('EventPublishFailure');
    deps.log.error('could not publish batch events; the wake-up tries again', { batchId, error });
    const soon = new Date(deps.now().getTime() + PUBLISH_RETRY_MS).toISOString();
    await deps.batches.update(batchId, { set: { nextStepAt: soon } }).catch(() => undefined);
  }
  return published;
}

/** Statuses whose batches the wake-up looks at in full: in progress, never many. */
const IN_PROGRESS: readonly BatchStatus[] = [
  'RECEIVED',
  'AWAITING_APPROVAL',
  'AWAITING_FUNDS',
  'RECORDING',
  'SENDING',
];
/** Final statuses, looked at over their last few days only: a give-back or events left to publish. */
const FINAL: readonly BatchStatus[] = ['REJECTED', 'CANCELLED', 'COMPLETED', 'COMPLETED_WITH_FAILURES'];
const FINAL_LOOKBACK_MS = 3 * 24 * 60 * 60 * 1000;
const PAGE = 100;

/** What the scheduled wake-up needs. */
export interface WakeDeps {
  batches: AdvanceDeps['batches'];
  steps: BatchStepQueue;
  log: AdvanceDeps['log'];
  now: () => Date;
}

/**
 * The safety net under the step messages: asks for a step of every batch whose next step is due
 * (its nextStepAt passed) — one whose message was lost, whose run died, whose approval expired,
 * or that waits for funds longer than SQS can delay a message.
 */
export async function wakeDueBatches(deps: WakeDeps): Promise<{ woken: number }> {
  const now = deps.now();
  const dueBy = now.toISOString();
  const since = new Date(now.getTime() - FINAL_LOOKBACK_MS).toISOString();
  let woken = 0;
  for (const status of [...IN_PROGRESS, ...FINAL]) {
    let cursor: PageCursor | undefined;
    do {
      const page = await deps.batches.listByStatus(status, {
        limit: PAGE,
        dueBy,
        ...(FINAL.includes(status) && { since }),
        ...(cursor && { cursor }),
      });
      for (const record of page.records) {
        await deps.steps.wake(record.batchId);
        woken += 1;
      }
      cursor = page.cursor;
    } while (cursor);
  }
  if (woken > 0) deps.log.info('woke batches with a step due', { woken });
  return { woken };
}
