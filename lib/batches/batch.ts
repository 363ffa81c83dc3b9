import type { PayoutStatus } from '../payouts/payout';

/** Where a batch stands, derived from its items (RECORDING until every item is recorded and queued). */
export type BatchStatus = 'RECORDING' | 'ACCEPTED' | 'SENDING' | 'COMPLETED' | 'COMPLETED_WITH_FAILURES';

/** A batch as stored: what was asked, and whether its recording finished. */
export interface BatchRecord {
  batchId: string;
  requestHash: string;
  itemCount: number;
  totalAmount: number;
  /** RECORDING while its items are written and queued; ACCEPTED once all are. */
  state: 'RECORDING' | 'ACCEPTED';
  createdAt: string;
  acceptedAt?: string;
  /** The Kenya day whose caps the batch's items were reserved against (absent: before caps). */
  capDay?: string;
}

/** Per status: how many items and how many shillings. */
export type StatusTotals = Record<PayoutStatus, { count: number; amount: number }>;

/** One item as the batch shows it (and its report lists it). */
export interface BatchItemView {
  index: number;
  tradeNo: string;
  status: PayoutStatus;
  amount: number;
  mobile: string;
  paypro: { code?: string; message?: string; serialNumber?: string; successTime?: string };
}

/** What `GET /payout-batches/{batchId}` shows. */
export interface BatchView {
  batchId: string;
  status: BatchStatus;
  itemCount: number;
  totalAmount: number;
  counts: Record<PayoutStatus, number>;
  amounts: Record<PayoutStatus, number>;
  createdAt: string;
  acceptedAt?: string;
}

/** Largest batch: items, and request body bytes (about 230 bytes an item at most, well inside Lambda's 6 MB). */
export const MAX_BATCH_ITEMS = 10_000;
export const MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024;

/** The batch's status from its items' statuses. */
export function batchStatus(
  record: Pick<BatchRecord, 'state'>,
  totals: StatusTotals,
  sent: number,
): BatchStatus {
  if (record.state === 'RECORDING') return 'RECORDING';
  const open = totals.PENDING.count + totals.PROCESSING.count;
  if (open === 0) return totals.FAILED.count === 0 ? 'COMPLETED' : 'COMPLETED_WITH_FAILURES';
  return sent > 0 || totals.PROCESSING.count > 0 ? 'SENDING' : 'ACCEPTED';
}

/** Zero totals for every status. */
export function emptyTotals(): StatusTotals {
  return {
    PENDING: { count: 0, amount: 0 },
    PROCESSING: { count: 0, amount: 0 },
    SUCCEEDED: { count: 0, amount: 0 },
    FAILED: { count: 0, amount: 0 },
  };
}
