import { OUTBOX_PARTITION_KEYS } from '../payouts/keys';
import type { PayoutOutbox } from '../payouts/store';
import { forEachLimit } from '../shared/concurrency';
import type { Log } from '../shared/logger';
import type { Counter } from '../shared/metrics';
import type { EventBus } from './bus';

/** What publishing needs. */
export interface PublishDeps {
  repository: PayoutOutbox;
  bus: EventBus;
  log: Log;
  counter: Counter;
  now: () => Date;
}

// Writers only add events under a version condition, so a lost clear means a new event came:
// a few tries publish it too; what is still left the next sweep takes.
const MAX_ATTEMPTS = 3;

/**
 * Publishes the events in one payout's outbox, oldest version first, then empties it — only
 * if nothing was added meanwhile. At-least-once: a crash between publishing and emptying
 * publishes the same events (same eventIds) again next time. Returns how many it published.
 */
export async function publishPending(deps: PublishDeps, tradeNo: string): Promise<number> {
  let published = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const events = await deps.repository.readOutbox(tradeNo);
    if (events.length === 0) return published;
    await deps.bus.publish(events);
    published += events.length;
    deps.counter.count('EventPublished', events.length);
    if (await deps.repository.clearOutbox(tradeNo, events.length)) {
      deps.log.info('events published', { tradeNo, eventIds: events.map((e) => e.eventId) });
      return published;
    }
  }
  return published;
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
  for (const key of OUTBOX_PARTITION_KEYS) {
    let cursor: Record<string, unknown> | undefined;
    do {
      if (Date.now() >= stopAt) return summary;
      const page = await deps.repository.listOutbox(key, before, PAGE_SIZE, cursor);
      for (const tradeNo of page.tradeNos) {
        await publishCounted(deps, tradeNo, summary);
      }
      cursor = page.cursor;
    } while (cursor);
  }
  if (summary.payouts > 0 || summary.failed > 0) deps.log.info('outbox sweep finished', { ...summary });
  return summary;
}
