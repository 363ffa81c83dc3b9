/*
 * The request bodies of the document, from the zod schemas the handlers validate with; amount and
 * mobile, checked in transforms zod cannot describe, stated by their rules' owner (lib/payouts/schema.ts).
 */
import { z } from 'zod';
import { adminListQuerySchema, resendRequestSchema, resolveRequestSchema } from '../lib/admin/schema';
import { approveRequestSchema, cancelRequestSchema } from '../lib/batches/decide';
import { batchItemSchema, batchRequestSchema } from '../lib/batches/schema';
import { loadConfig } from '../lib/config';
import { callbackSchema } from '../lib/payouts/callback';
import {
  AMOUNT_DIGITS,
  type AmountBounds,
  amountInputSchema,
  mobileInputSchema,
  payoutRequestSchema,
} from '../lib/payouts/schema';
import { digitRangePattern } from './decimal-range';
import { componentsOf, type Meta, type Schema } from './json-schema';

/**
 * What `amount` accepts: an integer in bounds, or digits (at most 15, as AMOUNT_DIGITS says) whose
 * value is in bounds, so that the document bounds the text form exactly as the service does.
 */
function amountSchema(bounds: AmountBounds): Schema {
  const stated = amountInputSchema(bounds);
  const digits = Number(/\\d\{1,(\d+)\}/.exec(AMOUNT_DIGITS.source)?.[1]);
  return {
    ...stated,
    description:
      `${stated.description} These are the default bounds (PAYOUT_MIN_AMOUNT, PAYOUT_MAX_AMOUNT); ` +
      'a stage may set others, and a 400 names the bounds in force.',
    anyOf: [
      { type: 'integer', minimum: bounds.min, maximum: bounds.max },
      { type: 'string', maxLength: digits, pattern: digitRangePattern(bounds.min, bounds.max) },
    ],
    examples: [bounds.min, String(bounds.max)],
  };
}

/**
 * The amount bounds the document states: the service's defaults (a stage may set others). Read
 * through loadConfig, with placeholders for the two URLs it requires, so the numbers are the
 * ones the service itself falls back to.
 */
export function defaultAmountBounds(): AmountBounds {
  const config = loadConfig({
    PAYPRO_BASE_URL: 'https://paypro.invalid',
    PUBLIC_BASE_URL: 'https://api.invalid',
  });
  return { min: config.payoutMinAmount, max: config.payoutMaxAmount };
}

/** The request bodies, from the handlers' own schemas; amount and mobile described by their rules' owners. */
export function requestComponents(bounds: AmountBounds): Record<string, Schema> {
  const requests = z.registry<Meta>();
  const amount = amountSchema(bounds);
  const describeFields = (schema: { shape: { amount: z.core.$ZodType; mobile: z.core.$ZodType } }) => {
    requests.add(schema.shape.amount, amount);
    requests.add(schema.shape.mobile, mobileInputSchema());
  };
  const payout = payoutRequestSchema(bounds);
  describeFields(payout);
  requests.add(payout, {
    id: 'PayoutRequest',
    description:
      'A payout. Send your own tradeNo: it is the idempotency key, so a retry of the same request ' +
      'is answered with the stored payout and never sent twice.',
  });
  const item = batchItemSchema(bounds);
  describeFields(item);
  requests.add(item, { id: 'BatchRequestItem', description: 'One payout of a batch: tradeNo is required.' });
  requests.add(batchRequestSchema(item), {
    id: 'BatchRequest',
    description:
      'A batch, all or nothing: every item is checked with the rules of POST /payouts, each tradeNo ' +
      'unique in the batch; the body is at most 4 MB.',
  });
  requests.add(adminListQuerySchema.shape.flagged, {
    id: 'QueryBoolean',
    description: 'A yes or no in a query string: true or false, nothing else.',
  });
  requests.add(resolveRequestSchema.shape.to, {
    id: 'Resolution',
    description: 'The final status an operator settles an open payout in.',
  });
  requests.add(resolveRequestSchema, {
    id: 'ResolveRequest',
    description:
      "Settle an open payout by hand. Paypro's query is asked first; if it contradicts `to`, the " +
      'reply is 409 unless `force` is true. Who and why go into the payout’s history.',
  });
  requests.add(resendRequestSchema, {
    id: 'ResendRequest',
    description:
      'Send a PENDING payout again with the same tradeNo, after checking with Paypro. The reason (what was ' +
      'checked) goes into the payout’s history with who sent it.',
  });
  requests.add(approveRequestSchema, {
    id: 'ApproveBatchRequest',
    description: 'Approve a batch awaiting approval; the reason, if given, is kept on the batch.',
  });
  requests.add(cancelRequestSchema, {
    id: 'CancelBatchRequest',
    description: 'Cancel a batch nothing of which is recorded yet; the reason is kept on the batch.',
  });
  requests.add(callbackSchema, {
    id: 'PayproCallback',
    description:
      "Paypro's notify. Paypro signs nothing: the path token authenticates it, and by default the " +
      "result applied is Paypro's answer to a query, not this body.",
  });
  return componentsOf(requests, 'input');
}
