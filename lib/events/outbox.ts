import type { BusEvent } from './bus';
import type { PayoutEvent } from './payout-event';

/**
 * The committed events one record (a payout, a batch) keeps until they are published: what a
 * publisher needs of the table that holds them. Writers add events only in the write that makes
 * the change, under a version condition, so the outbox holds them in version order.
 */
export interface EventOutbox<E extends BusEvent> {
  /** The events the record's outbox holds, oldest version first (strongly consistent); none when missing. */
  readOutbox(id: string): Promise<E[]>;
  /** Empties the outbox only if it still holds exactly `count` events; false when one was added meanwhile. */
  clearOutbox(id: string, count: number): Promise<boolean>;
}

/** What the payout event publisher needs: the payouts' outboxes, and the sweep's list of those waiting. */
export interface PayoutOutbox extends EventOutbox<PayoutEvent> {
  /**
   * A page of the tradeNos under one outbox partition key (OUTBOX_PARTITION_KEYS) whose events
   * have waited since `before` or earlier.
   */
  listOutbox(
    partitionKey: string,
    before: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ tradeNos: string[]; cursor?: Record<string, unknown> }>;
}
