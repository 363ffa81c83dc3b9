import type { Log } from './logger';
import type { Counter } from './metrics';

/**
 * The committed events one record (a payout, a batch) keeps until they are published: what a
 * publisher needs of the table that holds them. Writers add events only in the write that makes
 * the change, under a version condition, so the outbox holds them in version order.
 */
export interface EventOutbox<E> {
  /** The events the record's outbox holds, oldest version first (strongly consistent); none when missing. */
  readOutbox(id: string): Promise<E[]>;
  /** Empties the outbox only if it still holds exactly `count` events; false when one was added meanwhile. */
  clearOutbox(id: string, count: number): Promise<boolean>;
}

/** What a drain needs: the outbox, where its events go, and where it reports. */
export interface DrainDeps<E> {
  outbox: EventOutbox<E>;
  /** Publishes every event or throws (some may have gone: at-least-once). */
  publish: (events: readonly E[]) => Promise<void>;
  log: Log;
  counter: Counter;
}

/** Which record a drain empties, as its log lines name it (`{ tradeNo }`, `{ batchId }`) and what they say. */
export interface DrainTarget {
  id: string;
  fields: Record<string, string>;
  /** The log line of a drain that published and emptied the outbox. */
  published: string;
}

/** What a drain did: how many events it published, and whether it left the outbox empty. */
export interface DrainResult {
  published: number;
  /** False only when writers kept adding events through every try: what is left waits for the next drain. */
  emptied: boolean;
}

// Writers only add events under a version condition, so a lost clear means a new event came:
// a few tries publish it too; what is still left the next drain (the sweep, the wake-up) takes.
export const DRAIN_ATTEMPTS = 3;

/**
 * Publishes the events in one record's outbox, oldest version first, then empties it only if
 * nothing was added meanwhile, reading again and publishing the newcomers too, up to
 * DRAIN_ATTEMPTS tries (then says so in a warning). At-least-once: a crash, or a publish that
 * throws (the error goes to the caller), leaves the outbox as it was, so the same events (same
 * eventIds) are published again next time.
 */
export async function drainOutbox<E extends { eventId: string }>(
  deps: DrainDeps<E>,
  target: DrainTarget,
): Promise<DrainResult> {
  let published = 0;
  for (let attempt = 1; attempt <= DRAIN_ATTEMPTS; attempt += 1) {
    const events = await deps.outbox.readOutbox(target.id);
    if (events.length === 0) return { published, emptied: true };
    await deps.publish(events);
    published += events.length;
    deps.counter.count('EventPublished', events.length);
    if (await deps.outbox.clearOutbox(target.id, events.length)) {
      deps.log.info(target.published, { ...target.fields, eventIds: events.map((e) => e.eventId) });
      return { published, emptied: true };
    }
  }
  deps.log.warn('outbox still changing after every try; the next drain publishes the rest', {
    ...target.fields,
    attempts: DRAIN_ATTEMPTS,
  });
  return { published, emptied: false };
}
