import type { FloatEvent } from './events';
import type { FloatLevel } from './watermark';

/** The float monitor's one state item: the last recorded check, a check asked for, an event to publish. */
export interface FloatState {
  /** One more for every recorded check; 0 before the first. Every write is conditional on it. */
  version: number;
  /** The level the last recorded check found; none before the first. */
  level?: FloatLevel;
  /** When the last recorded check started (before it read the balance). */
  lastCheckAt?: string;
  /** When a check was last asked for at once (FloatCheckRequests); due if after lastCheckAt. */
  checkRequestedAt?: string;
  /** Why it was asked for, for the log. */
  checkReason?: string;
  /** The event of the last crossing, until it is published (the outbox). */
  pending?: FloatEvent;
}

/** What a recorded check writes: its level, when it started, and the event of its crossing if any. */
export interface FloatCheckRecord {
  level: FloatLevel;
  lastCheckAt: string;
  pending?: FloatEvent;
}

/** Where the float monitor keeps its state (port): FloatStateRepository on the limits table, a fake in tests. */
export interface FloatStateStore {
  /** The state now (strongly consistent); version 0 and nothing else when it was never written. */
  read(): Promise<FloatState>;
  /**
   * Records a check as version `expectedVersion + 1`, only if the state is still at
   * `expectedVersion`: false when another run recorded one meanwhile (nothing written). A
   * check without a crossing leaves an unpublished event as it is.
   */
  record(expectedVersion: number, check: FloatCheckRecord): Promise<boolean>;
  /** Removes the pending event once published, only if it is still the one with `eventId`. */
  clearPending(eventId: string): Promise<boolean>;
  /** Notes that a check is wanted at once, from `at` on, and why. */
  requestCheck(at: string, reason: string): Promise<void>;
}
