import type { BatchRecord, BatchStatus, BatchSummary, ItemTotals } from './batch';
import { toSummary } from './batch';

/** EventBridge `detail-type`s of batch events (webhook types `batch.accepted` …). */
export type BatchEventType =
  | 'Batch Accepted'
  | 'Batch Awaiting Approval'
  | 'Batch Awaiting Funds'
  | 'Batch Completed'
  | 'Batch Rejected'
  | 'Batch Cancelled';

/** A batch event's `detail`: the batch as its summary shows it, and the change. */
export interface BatchEventDetail extends BatchSummary {
  eventId: string;
  /** Per batch, 1 for its first event and one more for each later one: consumers order by it. */
  version: number;
  /** The status before this change. */
  previousStatus: BatchStatus;
  /** Batch Completed: items and shillings per item status, which add up to itemCount and totalAmount. */
  counts?: ItemTotals;
  amounts?: ItemTotals;
}

/** One batch event as the header's outbox keeps it until it is published. */
export interface BatchEvent {
  eventId: string;
  type: BatchEventType;
  version: number;
  occurredAt: string;
  detail: BatchEventDetail;
}

const TYPE_OF: Partial<Record<BatchStatus, BatchEventType>> = {
  RECEIVED: 'Batch Accepted',
  AWAITING_APPROVAL: 'Batch Awaiting Approval',
  AWAITING_FUNDS: 'Batch Awaiting Funds',
  COMPLETED: 'Batch Completed',
  COMPLETED_WITH_FAILURES: 'Batch Completed',
  REJECTED: 'Batch Rejected',
  CANCELLED: 'Batch Cancelled',
};

/**
 * A stable id, distinct from every payout's (`tradeNo:version`: a tradeNo holds no `:`): the same
 * change of the same batch always gets the same one, its version being fixed by a conditional write.
 */
export function batchEventId(batchId: string, version: number): string {
  return `batch:${batchId}:${version}`;
}

/**
 * The event of a batch reaching `after.status` (Batch Accepted for RECEIVED, once its lines are
 * stored), or undefined for a status that has none (RECORDING, SENDING).
 */
export function batchEvent(
  before: Pick<BatchRecord, 'status' | 'version'>,
  after: BatchRecord,
  at: string,
  totals?: { counts: ItemTotals; amounts: ItemTotals },
): BatchEvent | undefined {
  const type = TYPE_OF[after.status];
  if (!type) return undefined;
  const version = (before.version ?? 0) + 1;
  const eventId = batchEventId(after.batchId, version);
  return {
    eventId,
    type,
    version,
    occurredAt: at,
    detail: {
      eventId,
      version,
      previousStatus: before.status,
      ...toSummary({ ...after, version }),
      ...(totals && { counts: totals.counts, amounts: totals.amounts }),
    },
  };
}
