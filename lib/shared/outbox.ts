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
