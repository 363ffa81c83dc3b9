/*
 * The webhooks' bodies as zod schemas, for the API document only: the event details from the
 * types the publishers build (lib/payouts/events.ts, lib/batches/events.ts), which the
 * assertions at the end keep equal to these schemas, and the webhook types from the very
 * function deliver-webhooks names them with (lib/webhooks/webhook-event.ts).
 */
import { z } from 'zod';
import type { BatchEventDetail, BatchEventType } from '../lib/batches/events';
import type { AnomalyDetail, PayoutEventDetail, PayoutEventType } from '../lib/payouts/events';
import { webhookType } from '../lib/webhooks/webhook-event';
import { batchStatus, batchSummaryShape, perItemStatus } from './batch-schemas';
import { agree, payoutStatus, payoutView, replies, type Same, timestamp } from './schemas';

/** Every payout event, with when it happens: the compiler checks that none is missing. */
export const PAYOUT_EVENTS = {
  'Payout Processing': "Paypro accepted the payout (0015); it is Paypro's to pay now.",
  'Payout Succeeded':
    'Paypro says it was paid (0000): by its answer, a callback verified by query, or the reconciler.',
  'Payout Failed': 'Paypro says it failed (any other code), or refused it and does not know it.',
  'Payout Flagged':
    'Still open 24 h after creation (RECONCILE_FLAG_AFTER_S): a human must look. Carries flaggedAt.',
  'Payout Anomaly':
    'Paypro contradicted the record (a result against a final state, or its query naming another ' +
    'amount); nothing was applied. Carries anomaly.',
} as const satisfies Record<PayoutEventType, string>;

/** Every batch event, with when it happens: the compiler checks that none is missing. */
export const BATCH_EVENTS = {
  'Batch Accepted': 'The batch and its lines are stored (RECEIVED); the rest happens off the request.',
  'Batch Awaiting Approval': 'Its total needs an operator to approve it before anything is recorded or sent.',
  'Batch Awaiting Funds':
    "The float does not cover it (Paypro's balance less the money in flight), or the balance could not be " +
    'read; nothing was recorded or sent. Carries funds. Checked again every FLOAT_RECHECK_S, it goes on by ' +
    'itself once covered; sent once each time the batch starts waiting, never per check.',
  'Batch Completed':
    'Every item is final (COMPLETED, or COMPLETED_WITH_FAILURES); carries counts and amounts per item status.',
  'Batch Rejected': "A recipient's daily cap refused it; nothing was sent. Carries rejection.",
  'Batch Cancelled':
    'An operator cancelled it, its approval expired, or its intake never finished; nothing was sent.',
} as const satisfies Record<BatchEventType, string>;

const typesOf = (events: object) => Object.keys(events).map(webhookType) as [string, ...string[]];

export const payoutWebhookType = z.enum(typesOf(PAYOUT_EVENTS)).register(replies, {
  id: 'PayoutWebhookType',
  description: "A payout webhook's type: its EventBridge detail-type, lower case and dotted.",
});

export const batchWebhookType = z.enum(typesOf(BATCH_EVENTS)).register(replies, {
  id: 'BatchWebhookType',
  description: "A batch webhook's type: its EventBridge detail-type, lower case and dotted.",
});

const version = () =>
  z.int().min(1).describe('1 for the first event of this payout or batch, one more for each later one');

export const anomalyDetail = z
  .strictObject({
    source: z.string().describe('Who said it: callback, query, paypro-payout'),
    reportedStatus: z.string().optional().describe("Paypro's status code, when it reported one"),
    reportedAmount: z.string().optional().describe("Paypro's amount, when it differed from the record"),
    note: z.string(),
  })
  .register(replies, { id: 'AnomalyDetail', description: 'What Paypro said that contradicted the record.' });

export const payoutEventDetail = payoutView
  .omit({ history: true })
  .extend({
    eventId: z.string().describe('<tradeNo>:<version>: the same change always has the same id; dedupe on it'),
    version: version(),
    previousStatus: payoutStatus.describe('The status before (Flagged, Anomaly: the status it stays in)'),
    flaggedAt: timestamp.optional().describe('Payout Flagged: when it was flagged'),
    anomaly: anomalyDetail.optional().describe('Payout Anomaly: what Paypro said'),
  })
  .register(replies, {
    id: 'PayoutEventDetail',
    description: 'The payout as GET /payouts/{tradeNo} shows it, without its history, and the change.',
  });

export const batchEventDetail = z
  .strictObject({
    ...batchSummaryShape,
    eventId: z.string().describe('batch:<batchId>:<version>: the same change always has the same id'),
    version: version(),
    previousStatus: batchStatus.describe('The status before this change'),
    counts: perItemStatus('Batch Completed: items per item status; they add up to itemCount').optional(),
    amounts: perItemStatus(
      'Batch Completed: shillings per item status; they add up to totalAmount',
    ).optional(),
  })
  .register(replies, {
    id: 'BatchEventDetail',
    description: 'The batch as its summary shows it, and the change.',
  });

const envelope = (type: z.ZodType, data: z.ZodType) =>
  z.strictObject({
    type,
    timestamp: timestamp.describe('When the event happened (not this attempt: see webhook-timestamp)'),
    data,
  });

export const payoutWebhook = envelope(payoutWebhookType, payoutEventDetail).register(replies, {
  id: 'PayoutWebhook',
  description: 'The body of a payout webhook (Standard Webhooks): its type, when, and the event detail.',
});

export const batchWebhook = envelope(batchWebhookType, batchEventDetail).register(replies, {
  id: 'BatchWebhook',
  description: 'The body of a batch webhook (Standard Webhooks): its type, when, and the event detail.',
});

agree<Same<z.output<typeof anomalyDetail>, AnomalyDetail>>();
agree<Same<z.output<typeof payoutEventDetail>, PayoutEventDetail>>();
agree<Same<z.output<typeof batchEventDetail>, BatchEventDetail>>();
