import { BatchNotFoundError, ValidationError } from '../errors';
import { decimalInteger, decimalIntegerMessage, unknownParameters } from '../handlers/query-string';
import { TRADE_NO_PATTERN } from '../payouts/schema';
import { csvCell } from '../shared/csv';
import { type BatchItemView, type BatchView, ITEM_STATUSES, type ItemStatus, toSummary } from './batch';
import { type BatchItem, itemStatus, itemsOf, itemView, ownedTradeNos, totalsOf, withPayouts } from './items';
import type { BatchPayouts, BatchStore } from './store';

/** What reading a batch needs. */
export interface ReadBatchDeps {
  payouts: Pick<BatchPayouts, 'getStates'>;
  batches: BatchStore;
}

/** A page of a batch's items: `status` filters, `cursor` continues, `limit` items at most. */
export interface ItemsQuery {
  status?: string;
  cursor?: string;
  limit?: string;
}

/** Items a page of `GET /payout-batches/{batchId}` holds unless `limit` says otherwise, and at most. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1_000;

/** The batch's header and every item with what became of it, as stored now. */
async function load(deps: ReadBatchDeps, batchId: string | undefined) {
  if (batchId === undefined || !TRADE_NO_PATTERN.test(batchId)) {
    throw new ValidationError([{ field: 'batchId', message: 'must be 1 to 64 letters, digits, "_" or "-"' }]);
  }
  const record = await deps.batches.get(batchId);
  if (!record) throw new BatchNotFoundError(batchId);
  const lines = itemsOf(record.lineRows === undefined ? [] : await deps.batches.rows(batchId));
  // Nothing is recorded before RECORDING: no payout under these tradeNos can be the batch's yet.
  const recorded = !['RECEIVED', 'AWAITING_APPROVAL', 'AWAITING_FUNDS', 'REJECTED', 'CANCELLED'].includes(
    record.status,
  );
  const payouts = recorded ? await deps.payouts.getStates(ownedTradeNos(lines)) : new Map();
  return { record, items: withPayouts(batchId, lines, payouts) };
}

function parseQuery(query: ItemsQuery): { status?: ItemStatus; from: number; limit: number } {
  // The rule of every query string (lib/handlers/query-string.ts): known parameters only, decimal digits.
  const problems = unknownParameters(query as Record<string, string | undefined>, [
    'status',
    'cursor',
    'limit',
  ]);
  if (query.status !== undefined && !ITEM_STATUSES.includes(query.status as ItemStatus)) {
    problems.push({ field: 'status', message: `must be one of ${ITEM_STATUSES.join(', ')}` });
  }
  const from =
    query.cursor === undefined
      ? 0
      : decimalInteger(Buffer.from(query.cursor, 'base64url').toString(), 0, Number.MAX_SAFE_INTEGER);
  if (from === undefined) problems.push({ field: 'cursor', message: 'is not a cursor this API gave' });
  const limit = query.limit === undefined ? DEFAULT_LIMIT : decimalInteger(query.limit, 1, MAX_LIMIT);
  if (limit === undefined) problems.push({ field: 'limit', message: decimalIntegerMessage(1, MAX_LIMIT) });
  if (problems.length > 0 || from === undefined || limit === undefined) throw new ValidationError(problems);
  return { ...(query.status !== undefined && { status: query.status as ItemStatus }), from, limit };
}

/**
 * `GET /payout-batches/{batchId}`: the batch, its counts and amounts per item status read from
 * its items as stored now (they add up to itemCount and totalAmount), and a page of its items
 * in submitted order.
 */
export async function getBatch(
  deps: ReadBatchDeps,
  batchId: string | undefined,
  query: ItemsQuery = {},
): Promise<BatchView & { items: BatchItemView[]; nextCursor?: string }> {
  const { status, from, limit } = parseQuery(query);
  const { record, items } = await load(deps, batchId);
  const page: BatchItemView[] = [];
  let next: number | undefined;
  for (let i = from; i < items.length; i += 1) {
    const item = items[i] as BatchItem;
    if (status !== undefined && itemStatus(record, item) !== status) continue;
    if (page.length === limit) {
      next = i;
      break;
    }
    page.push(itemView(record, item));
  }
  return {
    ...toSummary(record),
    ...totalsOf(record, items),
    items: page,
    ...(next !== undefined && { nextCursor: Buffer.from(String(next)).toString('base64url') }),
  };
}

/** The columns of report.csv, in order. */
export const REPORT_COLUMNS = [
  'tradeNo',
  'mobile',
  'amount',
  'status',
  'code',
  'message',
  'serialNumber',
  'successTime',
  'reason',
];

/** `GET /payout-batches/{batchId}/report.csv`: one line per item, what finance reconciles against. */
export async function batchReport(deps: ReadBatchDeps, batchId: string | undefined): Promise<string> {
  const { record, items } = await load(deps, batchId);
  const lines = [REPORT_COLUMNS.join(',')];
  for (const item of items) {
    const view = itemView(record, item);
    lines.push(
      [
        view.tradeNo,
        view.mobile,
        view.amount,
        view.status,
        view.paypro.code,
        view.paypro.message,
        view.paypro.serialNumber,
        view.paypro.successTime,
        view.reason,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
