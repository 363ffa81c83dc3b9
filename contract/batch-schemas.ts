/*
 * The batch replies of the API as zod schemas, for the API document only (see ./schemas.ts);
 * the assertions at the end keep them equal to the types the batch handlers reply with.
 */
import { z } from 'zod';
import {
  BATCH_STATUSES,
  type BatchItemView,
  type BatchSummary,
  type BatchView,
  ITEM_STATUSES,
} from '../lib/batches/batch';
import type { BatchListPage } from '../lib/batches/list';
import { REPORT_COLUMNS } from '../lib/batches/read';
import {
  agree,
  capName,
  count,
  fieldProblem,
  maskedMobile,
  replies,
  type Same,
  shillings,
  timestamp,
} from './schemas';

export const batchStatus = z
  .enum(BATCH_STATUSES as readonly [BatchView['status'], ...BatchView['status'][]])
  .register(replies, {
    id: 'BatchStatus',
    description:
      'RECEIVED → (AWAITING_APPROVAL) → (AWAITING_FUNDS) → RECORDING → SENDING → COMPLETED or ' +
      'COMPLETED_WITH_FAILURES; AWAITING_FUNDS: the float does not cover the batch yet, nothing of it is ' +
      'recorded or sent, it is checked again every FLOAT_RECHECK_S and goes on by itself once covered; ' +
      'REJECTED and CANCELLED are final and nothing of the batch was sent.',
  });

export const itemStatus = z
  .enum(ITEM_STATUSES as readonly [BatchItemView['status'], ...BatchItemView['status'][]])
  .register(replies, {
    id: 'BatchItemStatus',
    description:
      "A payout's status once the batch owns it; PENDING before it is recorded; REJECTED when another " +
      'payout holds its tradeNo or the batch was rejected; CANCELLED when the batch was cancelled.',
  });

export const perItemStatus = (what: string) =>
  z
    .strictObject({
      PENDING: count(),
      PROCESSING: count(),
      SUCCEEDED: count(),
      FAILED: count(),
      REJECTED: count(),
      CANCELLED: count(),
    })
    .describe(what);

export const batchDecision = z
  .strictObject({
    by: z.string().describe("The operator's IAM principal ARN (local under npm start), or expiry / intake"),
    at: timestamp,
    reason: z.string().optional(),
  })
  .register(replies, { id: 'BatchDecision', description: 'Who decided about a batch, when and why.' });

export const batchRejection = z
  .strictObject({
    cap: capName,
    limit: z.int().min(0),
    remaining: z.int().min(0),
    day: z.iso.date(),
    detail: z.string(),
    errors: z.array(fieldProblem).describe('The items concerned, as items[i].mobile (the first 100)'),
    problemCount: count().describe('How many items the refusal concerns in all'),
  })
  .register(replies, {
    id: 'BatchRejection',
    description: "Why a batch was rejected: a recipient's daily cap, and every item it concerns.",
  });

export const batchProgress = z
  .strictObject({
    counts: perItemStatus('Items per status'),
    amounts: perItemStatus('Shillings per status'),
    at: timestamp.describe('When they were counted'),
  })
  .register(replies, {
    id: 'BatchProgress',
    description: 'Counts and amounts as last counted from the items.',
  });

export const batchFunds = z
  .strictObject({
    available: z
      .number()
      .optional()
      .describe("Paypro's available balance, KES; absent when it could not be read (see readError)"),
    inFlight: shillings().describe(
      'Money already in flight: open payouts and batch items let through, not yet recorded',
    ),
    needed: shillings().describe("The batch's total"),
    checkedAt: timestamp.describe('When the balance was read (or tried)'),
    readError: z.string().optional().describe('Why the balance could not be read'),
  })
  .register(replies, {
    id: 'BatchFunds',
    description:
      'What the last funds check saw: the batch goes on once available − inFlight ≥ needed, on a balance at most 60 s old.',
  });

export const batchSummaryShape = {
  batchId: z.string(),
  status: batchStatus,
  itemCount: count(),
  totalAmount: shillings(),
  createdAt: timestamp,
  updatedAt: timestamp,
  approvalDeadline: timestamp.optional().describe('AWAITING_APPROVAL: when it is cancelled unless approved'),
  approval: batchDecision.optional(),
  cancellation: batchDecision.optional(),
  rejection: batchRejection.optional(),
  funds: batchFunds.optional().describe('AWAITING_FUNDS: why it waits'),
  progress: batchProgress.optional(),
  completedAt: timestamp.optional(),
};

export const batchSummary = z.strictObject(batchSummaryShape).register(replies, {
  id: 'BatchSummary',
  description: 'A batch as its header stands: what POST replies with and the operator list shows.',
});

// A batch with its counts and amounts: no reply carries it without a page of items (BatchPage),
// so it has no name of its own in the document.
export const batchView = z.strictObject({
  ...batchSummaryShape,
  counts: perItemStatus('Items per status, read from the items as stored now; they add up to itemCount'),
  amounts: perItemStatus('Shillings per status; they add up to totalAmount'),
});

export const batchItemView = z
  .strictObject({
    index: count().describe('Position in the submitted items'),
    tradeNo: z.string(),
    status: itemStatus,
    amount: shillings().describe('The amount the item asked for'),
    mobile: maskedMobile(),
    reason: z.string().optional().describe('Why it was not recorded or sent (REJECTED, CANCELLED)'),
    paypro: z.strictObject({
      code: z.string().optional(),
      message: z.string().optional(),
      serialNumber: z.string().optional(),
      successTime: timestamp.optional(),
    }),
  })
  .register(replies, { id: 'BatchItem', description: 'One item of a batch.' });

export const batchPage = batchView
  .extend({
    items: z.array(batchItemView).describe('A page of items, in submitted order'),
    nextCursor: z.string().optional().describe('Pass back as ?cursor= for the next page; absent on the last'),
  })
  .register(replies, { id: 'BatchPage', description: 'A batch and one page of its items.' });

export const batchListPage = z
  .strictObject({
    batches: z.array(batchSummary).describe('Newest first'),
    nextCursor: z.string().optional().describe('Pass back as ?cursor= for the next page; absent on the last'),
  })
  .register(replies, { id: 'BatchListPage', description: 'A page of batches.' });

export const batchReport = z
  .string()
  .regex(new RegExp(`^${REPORT_COLUMNS.join(',')}\\r\\n`))
  .register(replies, {
    id: 'BatchReport',
    description:
      `CSV (RFC 4180, CRLF): a header line (${REPORT_COLUMNS.join(', ')}), then one line per item ` +
      "in submitted order. A field starting with = + - or @ is prefixed with ' so a spreadsheet never runs it.",
  });

agree<Same<z.output<typeof batchView>, BatchView>>();
agree<Same<z.output<typeof batchSummary>, BatchSummary>>();
agree<Same<z.output<typeof batchListPage>, BatchListPage>>();
agree<Same<z.output<typeof batchItemView>, BatchItemView>>();
