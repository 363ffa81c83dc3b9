import { isFinal } from '../payouts/payout';
import { maskMobile } from '../shared/mask';
import type { BatchItemView, BatchLine, BatchRecord, ItemStatus, ItemTotals, LineRow } from './batch';
import { zeroTotals } from './batch';
import type { PayoutState } from './store';

/** One line of a batch with its position and what became of it. */
export interface BatchItem {
  index: number;
  line: BatchLine;
  /** The batch's own payout for this line (created by it, or adopted), when it has one. */
  payout?: PayoutState;
  /** Set when the batch did not record the line, and why. */
  rejected?: string;
  adopted: boolean;
}

/** Every line of the rows, in submitted order, with the recording's findings (rejected, adopted). */
export function itemsOf(rows: readonly LineRow[]): BatchItem[] {
  const items: BatchItem[] = [];
  for (const row of rows) {
    const rejected = new Map((row.rejected ?? []).map((r) => [r.index, r.reason]));
    const adopted = new Set(row.adopted ?? []);
    row.lines.forEach((line, i) => {
      const index = row.first + i;
      const reason = rejected.get(index);
      items.push({
        index,
        line,
        adopted: adopted.has(index),
        ...(reason !== undefined && { rejected: reason }),
      });
    });
  }
  return items;
}

/** The tradeNos of the items the batch may own (those recording did not reject). */
export function ownedTradeNos(items: readonly BatchItem[]): string[] {
  return items.filter((item) => item.rejected === undefined).map((item) => item.line.tradeNo);
}

/**
 * Attaches the batch's payouts: only a payout that names this batch is its own, so another
 * payout under one of its tradeNos (a single payout, another batch's) is never counted as its.
 */
export function withPayouts(
  batchId: string,
  items: readonly BatchItem[],
  payouts: ReadonlyMap<string, PayoutState>,
): BatchItem[] {
  return items.map((item) => {
    const payout = payouts.get(item.line.tradeNo);
    return payout?.batchId === batchId && item.rejected === undefined ? { ...item, payout } : item;
  });
}

/** The status an item shows, given where its batch stands. */
export function itemStatus(record: Pick<BatchRecord, 'status'>, item: BatchItem): ItemStatus {
  if (record.status === 'CANCELLED') return 'CANCELLED';
  if (record.status === 'REJECTED' || item.rejected !== undefined) return 'REJECTED';
  return item.payout?.status ?? 'PENDING';
}

// An item of a batch in these statuses shows PENDING, as every item before it is recorded; its
// reason says that nothing is recorded yet, and why (the status alone read as if it were).
const NOT_RECORDED_YET: Partial<Record<BatchRecord['status'], string>> = {
  RECEIVED: 'not recorded yet: the batch is being checked against the caps and the float',
  AWAITING_APPROVAL: 'not recorded yet: the batch awaits approval',
  AWAITING_FUNDS: "not recorded yet: the batch awaits funds in the merchant's Paypro balance",
};

/** Why an item was not recorded or sent, in words, when it was not. */
function reasonOf(record: BatchRecord, item: BatchItem): string | undefined {
  if (record.status === 'CANCELLED') {
    return `batch cancelled${record.cancellation?.reason ? `: ${record.cancellation.reason}` : ''}`;
  }
  if (record.status === 'REJECTED') return `batch rejected: ${record.rejection?.detail ?? 'over a cap'}`;
  return item.rejected ?? NOT_RECORDED_YET[record.status];
}

/** The item as the batch view and report show it: the mobile masked, its own requested amount. */
export function itemView(record: BatchRecord, item: BatchItem): BatchItemView {
  const status = itemStatus(record, item);
  const paypro = item.payout?.paypro ?? {};
  const reason = reasonOf(record, item);
  return {
    index: item.index,
    tradeNo: item.line.tradeNo,
    status,
    amount: item.line.amount,
    mobile: maskMobile(item.line.mobile),
    ...(reason !== undefined && { reason }),
    paypro: {
      ...(paypro.code !== undefined && { code: paypro.code }),
      ...(paypro.message !== undefined && { message: paypro.message }),
      ...(paypro.serialNumber !== undefined && { serialNumber: paypro.serialNumber }),
      ...(paypro.successTime !== undefined && { successTime: paypro.successTime }),
    },
  };
}

/** Items and shillings per item status: they add up to the batch's itemCount and totalAmount. */
export function totalsOf(
  record: Pick<BatchRecord, 'status'>,
  items: readonly BatchItem[],
): { counts: ItemTotals; amounts: ItemTotals } {
  const counts = zeroTotals();
  const amounts = zeroTotals();
  for (const item of items) {
    const status = itemStatus(record, item);
    counts[status] += 1;
    amounts[status] += item.line.amount;
  }
  return { counts, amounts };
}

/** True once every item the batch owns is final (SUCCEEDED or FAILED), the rest rejected. */
export function allSettled(items: readonly BatchItem[]): boolean {
  return items.every(
    (item) => item.rejected !== undefined || (item.payout !== undefined && isFinal(item.payout.status)),
  );
}
