import type { PayoutOutbox } from '../payouts/store';
import { forEachLimit } from '../shared/concurrency';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import { drainOutbox } from '../shared/outbox';
import type { PageCursor } from '../shared/page-cursor';
import type { EventBus } from './bus';

/** What publishing needs. */
export interface PublishDeps {
  repository: PayoutOutbox;
  bus: EventBus;
  log: Log;
  counter: Counter;
  now: () => Date;
}

/**
 * Publishes the events in one payout's outbox and empties it (drainOutbox: only if nothing was
 * added meanwhile, a few tries); what is left the next sweep takes. A failure is thrown. Returns
 * how many it published.
 */
export async function publishPending(deps: PublishDeps, tradeNo: string): Promise<number> {
  const drained = await drainOutbox(
    {
      outbox: deps.repository,
      publish: (events) => deps.bus.publish(events),
      log: deps.log,
      counter: deps.counter,
    },
    { id: tradeNo, fields: { tradeNo }, published: 'events published' },
  );
  return drained.published;
}

/** What one sweep did. */
export interface SweepSummary {
  payouts: number;
  events: number;
  failed: number;
}

const PAGE_SIZE = 100;

/** Publishes one payout's outbox into `summary`; a failure is counted and logged (the next sweep retries), never thrown. */
async function publishCounted(deps: PublishDeps, tradeNo: string, summary: SweepSummary): Promise<void> {
  try {
    summary.events += await publishPending(deps, tradeNo);
    summary.payouts += 1;
  } catch (error) {
    summary.failed += 1;
    deps.counter.count('EventPublishFailure');
    deps.log.error('could not publish events; the next sweep tries again', { tradeNo, error });
  }
}
// Payouts published at once from one stream batch.
const CONCURRENCY = 4;

/**
 * Publishes the outboxes of the payouts a stream batch names, a few at a time. A failure is
 * counted and logged, not thrown: the scheduled sweep publishes what is left, so one bad
 * payout never holds the stream back.
 */
export async function publishChanged(deps: PublishDeps, tradeNos: readonly string[]): Promise<SweepSummary> {
  const summary: SweepSummary = { payouts: 0, events: 0, failed: 0 };
  await forEachLimit([...new Set(tradeNos)], CONCURRENCY, (tradeNo) =>
    publishCounted(deps, tradeNo, summary),
  );
  return summary;
}

/**
 * Publishes the outbox of every payout whose events have waited at least `minAgeMs` (so the
 * stream-triggered path, when there is one, goes first): the safety net that makes an
 * event's publication not depend on any one invocation surviving. Stops taking payouts at `stopAt`.
 */
export async function sweepOutbox(
  deps: PublishDeps,
  minAgeMs: number,
  stopAt = Number.POSITIVE_INFINITY,
): Promise<SweepSummary> {
  const summary: SweepSummary = { payouts: 0, events: 0, failed: 0 };
  const before = new Date(deps.now().getTime() - minAgeMs).toISOString();
  let cursor: PageCursor | undefined;
  do {
    if (Date.now() >= stopAt) return summary;
    const page = await deps.repository.listOutbox(before, PAGE_SIZE, cursor);
    for (const tradeNo of page.tradeNos) {
      await publishCounted(deps, tradeNo, summary);
    }
    cursor = page.cursor;
  } while (cursor);
  if (summary.payouts > 0 || summary.failed > 0) deps.log.info('outbox sweep finished', { ...summary });
  return summary;
}
