import type { Admission, BreakerState, BreakerTransition } from './breaker';
import type { TransportFailure } from './transport';

/*
 * The ports of the breaker (lib/paypro/breaker.ts). The use cases that make money calls
 * (sendOnce, and through it create-payout, send-batch-items and the reconciler) see only
 * BreakerGate; the store and the event port are the adapters' side.
 */

/** What a money call asks of the breaker, before and after it (port). */
export interface BreakerGate {
  /** Whether a money call may go out now (read through a short cache); never throws: a store failure admits. */
  admit(): Promise<Admission>;
  /** Reports a failed call; only one that says Paypro is unavailable (`failure.unavailable`) counts. Never throws. */
  recordFailure(failure: TransportFailure): Promise<void>;
  /** Reports a call Paypro answered (any envelope, refusals included). Never throws. */
  recordSuccess(): Promise<void>;
}

/** Where the breaker's one item lives (port): BreakerRepository on the limits table, a fake in tests. */
export interface BreakerStore {
  /** The state now (strongly consistent); INITIAL_BREAKER when never written. */
  read(): Promise<BreakerState>;
  /** Writes `next` only if the item is still at `expectedVersion`: false when another writer moved it. */
  write(expectedVersion: number, next: BreakerState): Promise<boolean>;
  /**
   * Claims the publication of the oldest unpublished transition until `until`, only if it is still
   * the one with `eventId` and no other publisher's claim is still running at `now`; moves the
   * version on. False otherwise: another publisher has it, or it is gone.
   */
  claimPublication(eventId: string, now: string, until: string): Promise<boolean>;
  /**
   * Removes the oldest unpublished transition once published, only if it is still the one with
   * `eventId`, with the claim on it, and moves the version on (a writer holding an older read must
   * not put it back).
   */
  clearPending(eventId: string): Promise<boolean>;
}

/** Where transitions are announced (port): the stage's bus, with how much work is held. */
export interface BreakerEvents {
  /** Publishes the transition's event (at least once) or throws. */
  publish(transition: BreakerTransition): Promise<void>;
}
