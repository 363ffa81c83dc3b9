/*
 * The replies of the API as zod schemas, for the API document only: no handler imports this
 * folder, so nothing here reaches a function bundle. The handlers' request schemas live beside
 * the handlers' code (lib/payouts, lib/batches, lib/admin) and the document is generated from
 * those; replies are shaped by TypeScript types, which the assertions at the end keep equal to
 * these schemas, and the contract tests check every reply the tests receive against them.
 */
import { z } from 'zod';
import { DAILY_REPORT_COLUMNS } from '../admin/daily-report';
import type { AdminPayoutLine, AdminPayoutPage } from '../admin/list-payouts';
import {
  BATCH_STATUSES,
  type BatchItemView,
  type BatchSummary,
  type BatchView,
  ITEM_STATUSES,
} from '../batches/batch';
import type { BatchListPage } from '../batches/list';
import { REPORT_COLUMNS } from '../batches/read';
import type { CapName, FieldProblem } from '../errors';
import { type HistorySource, PAYOUT_STATUSES, type PayoutView } from '../payouts/payout';

/** Every reply schema with a name, as `components.schemas` of the document. */
export const replies = z.registry<{ id: string; description?: string }>();

const HISTORY_SOURCES = [
  'api',
  'paypro-payout',
  'callback',
  'query',
  'reconciler',
  'operator',
] as const satisfies readonly HistorySource[];

const CAPS = [
  'dailyAmount',
  'dailyCount',
  'recipientDailyAmount',
  'recipientDailyCount',
] as const satisfies readonly CapName[];

const timestamp = z.iso.datetime().register(replies, {
  id: 'Timestamp',
  description: 'An instant in UTC, ISO 8601: 2026-03-01T09:30:00.000Z',
});
const shillings = () => z.int().min(0).describe('Whole Kenyan shillings');
const count = () => z.int().min(0);
const maskedMobile = () => z.string().describe('The mobile, masked: 2547****5678');

export const payoutStatus = z
  .enum(PAYOUT_STATUSES as readonly ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'])
  .register(replies, {
    id: 'PayoutStatus',
    description: 'PENDING → PROCESSING → SUCCEEDED or FAILED; SUCCEEDED and FAILED are final.',
  });

export const payproDetails = z
  .strictObject({
    serialNumber: z.string().optional(),
    platFormTradeNo: z.string().optional(),
    code: z.string().optional().describe("Paypro's status code, verbatim (0000 success, 0015 processing)"),
    message: z.string().optional(),
    successTime: timestamp.optional(),
  })
  .register(replies, { id: 'PayproDetails', description: "Paypro's side of a payout, as Paypro said it." });

export const historyEntry = z
  .strictObject({
    at: timestamp,
    source: z.enum(HISTORY_SOURCES),
    status: payoutStatus.optional(),
    code: z.string().optional(),
    message: z.string().optional(),
    note: z.string().optional(),
    raw: z.string().optional().describe('The callback body as received, cut to 1024 characters'),
    operator: z.string().optional().describe('Who resolved the payout by hand: an IAM principal ARN'),
    reason: z.string().optional().describe("The operator's reason"),
  })
  .register(replies, {
    id: 'HistoryEntry',
    description: 'One thing that happened to a payout, and who said so.',
  });

export const payoutView = z
  .strictObject({
    tradeNo: z.string(),
    status: payoutStatus,
    amount: shillings(),
    mobile: maskedMobile(),
    remark: z.string().optional(),
    batchId: z.string().optional().describe('The batch it was submitted in, if any'),
    paypro: payproDetails,
    createdAt: timestamp,
    updatedAt: timestamp,
    history: z.array(historyEntry),
  })
  .register(replies, { id: 'Payout', description: 'A payout as the API shows it: the mobile masked.' });

export const fieldProblem = z
  .strictObject({
    field: z.string().describe('The field, e.g. amount or items[5000].mobile; body for the body itself'),
    message: z.string(),
  })
  .register(replies, { id: 'FieldProblem', description: 'One problem with one field of the request.' });

export const batchStatus = z
  .enum(BATCH_STATUSES as readonly [BatchView['status'], ...BatchView['status'][]])
  .register(replies, {
    id: 'BatchStatus',
    description:
      'RECEIVED → (AWAITING_APPROVAL) → RECORDING → SENDING → COMPLETED or COMPLETED_WITH_FAILURES; ' +
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

const perItemStatus = (what: string) =>
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
    cap: z.enum(CAPS),
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

const batchSummaryShape = {
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
  progress: batchProgress.optional(),
  completedAt: timestamp.optional(),
};

export const batchSummary = z.strictObject(batchSummaryShape).register(replies, {
  id: 'BatchSummary',
  description: 'A batch as its header stands: what POST replies with and the operator list shows.',
});

export const batchView = z
  .strictObject({
    ...batchSummaryShape,
    counts: perItemStatus('Items per status, read from the items as stored now; they add up to itemCount'),
    amounts: perItemStatus('Shillings per status; they add up to totalAmount'),
  })
  .register(replies, { id: 'Batch', description: 'A batch: its status, and counts and amounts per status.' });

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

export const callbackAck = z
  .literal('OK')
  .register(replies, { id: 'CallbackAck', description: 'The callback was handled (duplicates included).' });

/** A problem (RFC 9457) as lib/http.ts writes it, with the status and title of one HTTP status. */
function problem<S extends number, T extends string>(status: S, title: T) {
  return z.strictObject({
    type: z.literal('about:blank'),
    title: z.literal(title),
    status: z.literal(status),
    detail: z.string().describe('What went wrong, for a person'),
  });
}

export const badRequest = problem(400, 'Bad Request')
  .extend({
    errors: z
      .array(fieldProblem)
      .min(1)
      .max(100)
      .describe('The problems found (the first 100), each with its field'),
    problemCount: count().describe('How many problems there are in all'),
  })
  .register(replies, { id: 'BadRequestProblem', description: 'The request is malformed; nothing was done.' });

export const unauthorized = problem(401, 'Unauthorized').register(replies, {
  id: 'UnauthorizedProblem',
  description: 'The callback token does not match the tradeNo.',
});

export const forbidden = problem(403, 'Forbidden').register(replies, {
  id: 'ForbiddenProblem',
  description: 'The caller has no operator identity.',
});

export const notFound = problem(404, 'Not Found').register(replies, { id: 'NotFoundProblem' });

export const conflict = problem(409, 'Conflict')
  .extend({
    paypro: z
      .string()
      .optional()
      .describe("On a resolution that Paypro's own query contradicts: what Paypro said"),
  })
  .register(replies, { id: 'ConflictProblem' });

export const capExceeded = problem(422, 'Unprocessable Content')
  .extend({
    cap: z.enum(CAPS).describe('Which daily cap the payout (or batch) would exceed'),
    limit: z.int().min(0).describe('The cap: KES for an amount cap, payouts for a count cap'),
    remaining: z.int().min(0).describe('What is left of it today'),
    day: z.iso.date().describe('The Kenya day (UTC+3) the cap counts'),
    errors: z
      .array(fieldProblem)
      .max(100)
      .optional()
      .describe('For a batch: the items concerned, as items[i].mobile (the first 100)'),
    problemCount: count().optional().describe('For a batch: how many items the refusal concerns in all'),
  })
  .register(replies, {
    id: 'CapExceededProblem',
    description: 'A daily cap would be exceeded; nothing was recorded or sent.',
  });

export const serverError = problem(500, 'Internal Server Error').register(replies, {
  id: 'ServerErrorProblem',
  description: 'An unexpected error; the detail says nothing more, the logs do.',
});

export const unavailable = problem(503, 'Service Unavailable')
  .extend({
    tradeNo: z
      .string()
      .optional()
      .describe('POST /payouts: the tradeNo to retry with (also a generated one) to learn the state'),
  })
  .register(replies, {
    id: 'UnavailableProblem',
    description: 'The store (or Paypro, for a resolution) did not answer; retry after Retry-After seconds.',
  });

export const gatewayError = z
  // IAM's refusal of a signed request says `Message`; the others `message`.
  .union([z.looseObject({ message: z.string() }), z.looseObject({ Message: z.string() })])
  .register(replies, {
    id: 'GatewayError',
    description:
      'Written by API Gateway, not by the service: a missing or wrong API key (`{"message":"Forbidden"}`), ' +
      'a missing or refused SigV4 signature, or the usage plan throttling (`{"message":"Too Many Requests"}`).',
  });

export const adminPayoutLine = z
  .strictObject({
    tradeNo: z.string(),
    status: payoutStatus,
    amount: shillings(),
    mobile: maskedMobile(),
    createdAt: timestamp,
    paypro: payproDetails,
    batchId: z.string().optional(),
    flaggedAt: timestamp
      .optional()
      .describe('When the reconciler flagged it, still open a day after creation: a human must look'),
  })
  .register(replies, { id: 'AdminPayoutLine', description: "One payout in the operator's list." });

export const adminPayoutPage = z
  .strictObject({
    payouts: z.array(adminPayoutLine).describe('Newest first'),
    nextCursor: z.string().optional().describe('Pass back as ?cursor= for the next page; absent on the last'),
  })
  .register(replies, { id: 'AdminPayoutPage', description: 'A page of payouts.' });

export const dailyReport = z
  .string()
  .regex(new RegExp(`^${DAILY_REPORT_COLUMNS.join(',')}\\r\\n`))
  .register(replies, {
    id: 'DailyReport',
    description:
      `CSV (RFC 4180, CRLF): a header line (${DAILY_REPORT_COLUMNS.join(', ')}), then one line per payout ` +
      "created that Kenya day. Paypro's free-text fields starting with = + - or @ are prefixed with '.",
  });

export const apiDocument = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .register(replies, { id: 'OpenApiDocument', description: 'This document.' });

// Compile-time checks that the schemas describe the very types the handlers reply with.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(_proof?: T) => undefined;
agree<Same<z.output<typeof payoutView>, PayoutView>>();
agree<Same<z.output<typeof batchView>, BatchView>>();
agree<Same<z.output<typeof batchSummary>, BatchSummary>>();
agree<Same<z.output<typeof batchListPage>, BatchListPage>>();
agree<Same<z.output<typeof batchItemView>, BatchItemView>>();
agree<Same<z.output<typeof fieldProblem>, FieldProblem>>();
agree<Same<z.output<typeof adminPayoutLine>, AdminPayoutLine>>();
agree<Same<z.output<typeof adminPayoutPage>, AdminPayoutPage>>();
