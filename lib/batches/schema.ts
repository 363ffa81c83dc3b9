import { type FieldProblem, ValidationError } from '../errors';
import {
  type AmountLimits,
  type PayoutRequest,
  parsePayoutRequest,
  TRADE_NO_PATTERN,
} from '../payouts/schema';
import { MAX_BATCH_ITEMS } from './batch';

/** A batch item after validation: a payout request whose tradeNo is required. */
export type BatchItem = PayoutRequest & { tradeNo: string };

/** A validated `POST /payout-batches` body. */
export interface BatchRequest {
  batchId: string;
  items: BatchItem[];
}

const FIELDS = new Set(['batchId', 'items']);

/**
 * Validates a batch all or nothing: every item with the same rules and messages as
 * `POST /payouts` (fields named `items[i].field`), tradeNo required and unique in the batch.
 * Throws one ValidationError listing every problem.
 */
export function parseBatchRequest(body: unknown, limits: AmountLimits): BatchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(fields)
    .filter((key) => !FIELDS.has(key))
    .map((key) => ({ field: key === '' ? '""' : key, message: 'is not a known field' }));
  const { batchId, items } = fields;
  if (batchId === undefined) problems.push({ field: 'batchId', message: 'is required' });
  else if (typeof batchId !== 'string' || !TRADE_NO_PATTERN.test(batchId)) {
    problems.push({ field: 'batchId', message: 'must be 1 to 64 letters, digits, "_" or "-"' });
  }
  if (items === undefined) problems.push({ field: 'items', message: 'is required' });
  else if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_ITEMS) {
    problems.push({ field: 'items', message: `must be an array of 1 to ${MAX_BATCH_ITEMS} payouts` });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const parsed: BatchItem[] = [];
  const firstIndex = new Map<string, number>();
  (items as unknown[]).forEach((raw, index) => {
    const prefix = `items[${index}]`;
    const noTradeNo =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !Object.hasOwn(raw, 'tradeNo');
    if (noTradeNo) problems.push({ field: `${prefix}.tradeNo`, message: 'is required' });
    let item: PayoutRequest;
    try {
      item = parsePayoutRequest(raw, limits);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const p of error.problems) {
        problems.push({ field: p.field === 'body' ? prefix : `${prefix}.${p.field}`, message: p.message });
      }
      return;
    }
    if (item.tradeNo === undefined) return;
    const first = firstIndex.get(item.tradeNo);
    if (first !== undefined) {
      problems.push({ field: `${prefix}.tradeNo`, message: `duplicates items[${first}].tradeNo` });
      return;
    }
    firstIndex.set(item.tradeNo, index);
    parsed.push({ ...item, tradeNo: item.tradeNo });
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return { batchId: batchId as string, items: parsed };
}
