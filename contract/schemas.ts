/*
 * The replies of the API as zod schemas, for the API document only: no handler imports this
 * folder, so nothing here reaches a function bundle. The handlers' request schemas live beside
 * the handlers' code (lib/payouts, lib/batches, lib/admin) and the document is generated from
 * those; replies are shaped by TypeScript types, which the assertions at the end keep equal to
 * these schemas, and the contract tests check every reply the tests receive against them.
 */
import { z } from 'zod';
import { DAILY_REPORT_COLUMNS } from '../lib/admin/daily-report';
import type { AdminPayoutLine, AdminPayoutPage } from '../lib/admin/list-payouts';
import type { CapName, FieldProblem } from '../lib/errors';
import { type HistorySource, PAYOUT_STATUSES, type PayoutView } from '../lib/payouts/payout';
import type { Schema } from './json-schema';

/** Every reply schema with a name, as `components.schemas` of the document. */
export const replies = z.registry<{ id: string; description?: string; allOf?: Schema[] }>();

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

/** Which daily cap: the day's total or one recipient's, amount or count. */
export const capName = z.enum(CAPS).register(replies, {
  id: 'CapName',
  description: "A daily cap: the day's amount or count, or one recipient's amount or count (Kenya day).",
});

export const timestamp = z.iso.datetime().register(replies, {
  id: 'Timestamp',
  description: 'An instant in UTC, ISO 8601: 2026-03-01T09:30:00.000Z',
});
export const shillings = () => z.int().min(0).describe('Whole Kenyan shillings');
export const count = () => z.int().min(0);
export const maskedMobile = () => z.string().describe('The mobile, masked: 2547****5678');

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
    source: z.enum(HISTORY_SOURCES).register(replies, {
      id: 'HistorySource',
      description:
        'Who said it: the API, Paypro answering the payout request, a callback, a query, the reconciler, an operator.',
    }),
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

export const callbackAck = z
  .literal('OK')
  .register(replies, { id: 'CallbackAck', description: 'The callback was handled (duplicates included).' });

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
/** True when A and B are the same type. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only when its type argument is `true`. */
export const agree = <T extends true>(_proof?: T) => undefined;
agree<Same<z.output<typeof payoutView>, PayoutView>>();
agree<Same<z.output<typeof fieldProblem>, FieldProblem>>();
agree<Same<z.output<typeof adminPayoutLine>, AdminPayoutLine>>();
agree<Same<z.output<typeof adminPayoutPage>, AdminPayoutPage>>();
