import * as z from 'zod/mini';
import { type FieldProblem, ValidationError } from '../errors';
import {
  type AmountBounds,
  type PayoutRequest,
  parsePayoutRequest,
  payoutRequestSchema,
  TRADE_NO_PATTERN,
  toFieldProblems,
} from '../payouts/schema';
import { MAX_BATCH_ITEMS } from './batch';

/** A batch item after validation: a payout request whose tradeNo is required. */
export type BatchItem = PayoutRequest & { tradeNo: string };

/** A validated `POST /payout-batches` body. */
export interface BatchRequest {
  batchId: string;
  items: BatchItem[];
}

/**
 * The envelope of `POST /payout-batches`: batchId and 1 to MAX_BATCH_ITEMS items, each of
 * them `item` (unknown for validation, which checks items one by one below so that each
 * problem names its index; the payout schema for the API document). Built on call, like
 * payoutRequestSchema.
 */
export function batchRequestSchema<Item extends z.core.SomeType>(item: Item) {
  const items = `must be an array of 1 to ${MAX_BATCH_ITEMS} payouts`;
  return z.strictObject({
    batchId: z
      .string({ error: 'must be 1 to 64 letters, digits, "_" or "-"' })
      .check(z.regex(TRADE_NO_PATTERN, { error: 'must be 1 to 64 letters, digits, "_" or "-"' })),
    items: z
      .array(item, { error: items })
      .check(z.minLength(1, { error: items }), z.maxLength(MAX_BATCH_ITEMS, { error: items })),
  });
}

/** One batch item as the API document shows it: a payout request whose tradeNo is required. */
export function batchItemSchema(bounds: AmountBounds) {
  return z.required(payoutRequestSchema(bounds), { tradeNo: true });
}

let envelope: ReturnType<typeof batchRequestSchema<z.ZodMiniUnknown>> | undefined;

/**
 * Validates a batch all or nothing: every item with the same rules and messages as
 * `POST /payouts` (fields named `items[i].field`), tradeNo required and unique in the batch.
 * Throws one ValidationError listing every problem.
 */
export function parseBatchRequest(body: unknown, bounds: AmountBounds): BatchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  envelope ??= batchRequestSchema(z.unknown());
  const checked = envelope.safeParse(body);
  if (!checked.success) {
    const problems = toFieldProblems(checked.error, body as Record<string, unknown>);
    // Unknown fields first, then batchId, then items: the order the API has always listed them in.
    const unknown = (p: FieldProblem) => (p.message === 'is not a known field' ? 0 : 1);
    throw new ValidationError(problems.sort((a, b) => unknown(a) - unknown(b)));
  }
  const { batchId, items } = checked.data;

  const problems: FieldProblem[] = [];
  const parsed: BatchItem[] = [];
  const firstIndex = new Map<string, number>();
  items.forEach((entry, index) => {
    const prefix = `items[${index}]`;
    const item = parseItem(entry, prefix, bounds, problems);
    if (item?.tradeNo === undefined) return;
    const first = firstIndex.get(item.tradeNo);
    if (first !== undefined) {
      problems.push({ field: `${prefix}.tradeNo`, message: `duplicates items[${first}].tradeNo` });
      return;
    }
    firstIndex.set(item.tradeNo, index);
    parsed.push({ ...item, tradeNo: item.tradeNo });
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return { batchId, items: parsed };
}

/** One item as a payout request, its problems (under `prefix`) added to `problems`; undefined when it has any. */
function parseItem(
  entry: unknown,
  prefix: string,
  bounds: AmountBounds,
  problems: FieldProblem[],
): PayoutRequest | undefined {
  const noTradeNo =
    typeof entry === 'object' && entry !== null && !Array.isArray(entry) && !Object.hasOwn(entry, 'tradeNo');
  if (noTradeNo) problems.push({ field: `${prefix}.tradeNo`, message: 'is required' });
  try {
    return parsePayoutRequest(entry, bounds);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const p of error.problems) {
      problems.push({ field: p.field === 'body' ? prefix : `${prefix}.${p.field}`, message: p.message });
    }
    return undefined;
  }
}
