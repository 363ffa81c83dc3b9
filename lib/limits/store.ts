/* The caps' counters as the use cases see them (ports): no storage SDK here. */

/** What one counter holds: shillings and payouts reserved against it. */
export interface CapTotal {
  amount: number;
  count: number;
}

/** A counter as read: its value and the marks batches left on it (see `tryAddMarked`). */
export interface CapTotalState extends CapTotal {
  marks?: string[];
}

/** What the caps of single payouts need of the counters; DynamoCapLedger (./repository) is the DynamoDB one. */
export interface CapLedger {
  /**
   * Adds `add` to the counter `key` in one conditional write, only if the result stays within
   * `limit` (both amount and count); false, writing nothing, when it would not.
   */
  tryAdd(key: string, add: CapTotal, limit: CapTotal, expiresAt: number): Promise<boolean>;
  /** Takes `sub` back from the counter `key`, never below zero; false when it holds less. */
  subtract(key: string, sub: CapTotal): Promise<boolean>;
  /** The counter `key` as stored now (strongly consistent); zero and no marks when never written. */
  read(key: string): Promise<CapTotalState>;
}

/** A marked take-back: only while `requires` is a mark on the total; then add `adds` and drop `removes`. */
export interface MarkChange {
  requires: string;
  adds?: string;
  removes?: string[];
}

/** What batches need beyond single payouts: reservations and give-backs made at most once, by mark. */
export interface BatchCapLedger extends CapLedger {
  /**
   * As tryAdd, and leaves `mark` on the counter in the same write, only if the counter holds no
   * such mark yet: so one batch reserves against a counter at most once, however often it tries.
   */
  tryAddMarked(
    key: string,
    add: CapTotal,
    limit: CapTotal,
    expiresAt: number,
    mark: string,
  ): Promise<boolean>;
  /**
   * Takes `sub` back in one conditional write, only if the counter holds `change.requires`; in the
   * same write adds the mark `change.adds` (only if not there yet) and removes `change.removes`.
   * False, writing nothing, when a condition does not hold: the change was made before, or never due.
   */
  subtractMarked(key: string, sub: CapTotal, change: MarkChange): Promise<boolean>;
  /** Removes marks from the counter `key` (those it does not hold are ignored); no value changes. */
  removeMarks(key: string, marks: readonly string[]): Promise<void>;
}
