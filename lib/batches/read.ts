import { BatchNotFoundError, ValidationError } from '../errors';
import { maskMobile, PAYOUT_STATUSES, type Payout, type PayoutStatus } from '../payouts/payout';
import { TRADE_NO_PATTERN } from '../payouts/schema';
import { decimalInteger, decimalIntegerMessage, unknownParameters } from '../query-string';
import { type BatchItemView, type BatchRecord, type BatchView, batchStatus, emptyTotals } from './batch';
import type { BatchPayoutRepository } from './payout-reads';
import type { BatchRepository } from './repository';

/** What reading a batch needs. */
export interface ReadBatchDeps {
  payouts: BatchPayoutRepository;
  batches: BatchRepository;
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

function itemView(index: number, tradeNo: string, payout: Payout | undefined): BatchItemView {
  return {
    index,
    tradeNo,
    // Listed before its record was written (a batch still recording): it is not sent, so PENDING.
    status: payout?.status ?? 'PENDING',
    amount: payout?.amount ?? 0,
    mobile: payout ? maskMobile(payout.mobile) : '',
    paypro: {
      ...(payout?.paypro?.code !== undefined && { code: payout.paypro.code }),
      ...(payout?.paypro?.message !== undefined && { message: payout.paypro.message }),
      ...(payout?.paypro?.serialNumber !== undefined && { serialNumber: payout.paypro.serialNumber }),
      ...(payout?.paypro?.successTime !== undefined && { successTime: payout.paypro.successTime }),
    },
  };
}

async function load(deps: ReadBatchDeps, batchId: string | undefined) {
  if (batchId === undefined || !TRADE_NO_PATTERN.test(batchId)) {
    throw new ValidationError([{ field: 'batchId', message: 'must be 1 to 64 letters, digits, "_" or "-"' }]);
  }
  const record = await deps.batches.get(batchId);
  if (!record) throw new BatchNotFoundError(batchId);
  const tradeNos = await deps.batches.tradeNos(batchId);
  const payouts = await deps.payouts.getMany(tradeNos);
  return {
    record,
    items: tradeNos.map((tradeNo, index) => ({ index, tradeNo, payout: payouts.get(tradeNo) })),
  };
}

/** The batch's counts and amounts per status, and its status, from its items as stored now. */
function summarise(record: BatchRecord, items: ReadonlyArray<{ payout: Payout | undefined }>): BatchView {
  const totals = emptyTotals();
  let sent = 0;
  for (const { payout } of items) {
    const status = payout?.status ?? 'PENDING';
    totals[status].count += 1;
    totals[status].amount += payout?.amount ?? 0;
    if (payout?.sentAt !== undefined) sent += 1;
  }
  const per = <T>(pick: (t: { count: number; amount: number }) => T) =>
    Object.fromEntries(PAYOUT_STATUSES.map((s) => [s, pick(totals[s])])) as Record<PayoutStatus, T>;
  return {
    batchId: record.batchId,
    status: batchStatus(record, totals, sent),
    itemCount: record.itemCount,
    totalAmount: record.totalAmount,
    counts: per((t) => t.count),
    amounts: per((t) => t.amount),
    createdAt: record.createdAt,
    ...(record.acceptedAt !== undefined && { acceptedAt: record.acceptedAt }),
  };
}

/** The view of a just-accepted batch, before any item moved: every item PENDING. */
export function acceptedView(record: BatchRecord): BatchView {
  const zero = { PENDING: 0, PROCESSING: 0, SUCCEEDED: 0, FAILED: 0 };
  return {
    batchId: record.batchId,
    status: record.state === 'ACCEPTED' ? 'ACCEPTED' : 'RECORDING',
    itemCount: record.itemCount,
    totalAmount: record.totalAmount,
    counts: { ...zero, PENDING: record.itemCount },
    amounts: { ...zero, PENDING: record.totalAmount },
    createdAt: record.createdAt,
    ...(record.acceptedAt !== undefined && { acceptedAt: record.acceptedAt }),
  };
}

function parseQuery(query: ItemsQuery): { status?: PayoutStatus; from: number; limit: number } {
  // The rule of every query string (lib/query-string.ts): known parameters only, decimal digits.
  const problems = unknownParameters(query as Record<string, string | undefined>, [
    'status',
    'cursor',
    'limit',
  ]);
  if (query.status !== undefined && !PAYOUT_STATUSES.includes(query.status as PayoutStatus)) {
    problems.push({ field: 'status', message: `must be one of ${PAYOUT_STATUSES.join(', ')}` });
  }
  const from =
    query.cursor === undefined
      ? 0
      : decimalInteger(Buffer.from(query.cursor, 'base64url').toString(), 0, Number.MAX_SAFE_INTEGER);
  if (from === undefined) problems.push({ field: 'cursor', message: 'is not a cursor this API gave' });
  const limit = query.limit === undefined ? DEFAULT_LIMIT : decimalInteger(query.limit, 1, MAX_LIMIT);
  if (limit === undefined) problems.push({ field: 'limit', message: decimalIntegerMessage(1, MAX_LIMIT) });
  if (problems.length > 0 || from === undefined || limit === undefined) throw new ValidationError(problems);
  return { ...(query.status !== undefined && { status: query.status as PayoutStatus }), from, limit };
}

/** `GET /payout-batches/{batchId}`: the batch, and a page of its items (in submitted order). */
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
    const item = items[i];
    if (!item || (status !== undefined && (item.payout?.status ?? 'PENDING') !== status)) continue;
    if (page.length === limit) {
      next = i;
      break;
    }
    page.push(itemView(item.index, item.tradeNo, item.payout));
  }
  return {
    ...summarise(record, items),
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
];

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); formulas neutralised. */
function csvField(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  // A spreadsheet would run a cell starting with = + - @ as a formula.
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `GET /payout-batches/{batchId}/report.csv`: one line per item, what finance reconciles against. */
export async function batchReport(deps: ReadBatchDeps, batchId: string | undefined): Promise<string> {
  const { items } = await load(deps, batchId);
  const lines = [REPORT_COLUMNS.join(',')];
  for (const { index, tradeNo, payout } of items) {
    const view = itemView(index, tradeNo, payout);
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
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
