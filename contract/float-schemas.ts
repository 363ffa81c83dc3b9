/*
 * The replies of the operator's float and receipt routes (GET /admin/balance, GET
 * /admin/mpesa-receipts/{code}) as zod schemas, for the API document only (see ./schemas.ts); the
 * assertions at the end keep them equal to the types the handlers reply with.
 */
import { z } from 'zod';
import type { AdminBalance, CapsToday } from '../lib/admin/balance';
import type { ReceiptAnswer, ReceiptLookup } from '../lib/admin/receipt';
import type { InFlight } from '../lib/float/in-flight';
import { agree, count, payoutView, replies, type Same, shillings, timestamp } from './schemas';

const kes = () => z.number().min(0).describe('Kenyan shillings, as Paypro reports them (may have decimals)');

const money = z
  .strictObject({ count: count(), amount: shillings() })
  .register(replies, { id: 'Money', description: 'A number of payouts and the shillings they carry.' });

export const inFlight = z
  .strictObject({
    openPayouts: money.describe('Payouts PENDING or PROCESSING, whether or not Paypro has debited them yet'),
    queuedItems: money.describe('Items of batches past the funds check not yet recorded as payouts'),
    amount: shillings().describe('openPayouts.amount + queuedItems.amount'),
  })
  .register(replies, {
    id: 'InFlight',
    description:
      'Money that has left, or is about to leave, the float. An accepted payout Paypro has already ' +
      'debited is counted again: that can only make a batch wait, never overspend.',
  });

const capUsage = z
  .strictObject({
    limit: count().describe('The cap: KES for an amount cap, payouts for a count cap'),
    used: count().describe('Reserved against it so far today'),
    remaining: count().describe('What is left of it today'),
  })
  .nullable()
  .register(replies, {
    id: 'CapUsage',
    description: "One cap of the day's total against its limit; null when the stage sets no such cap.",
  });

const recipientCap = z
  .strictObject({ limit: count().describe('The cap per recipient: KES or payouts') })
  .nullable()
  .register(replies, {
    id: 'RecipientCap',
    description:
      'A per-recipient cap: each recipient has a counter of their own, so only the limit is shown; ' +
      'null when the stage sets no such cap.',
  });

export const capsToday = z
  .strictObject({
    day: z.iso.date().describe('The Kenya day (UTC+3) the caps count'),
    dailyAmount: capUsage,
    dailyCount: capUsage,
    recipientDailyAmount: recipientCap,
    recipientDailyCount: recipientCap,
  })
  .register(replies, { id: 'CapsToday', description: "The Kenya day's caps against their limits." });

export const adminBalance = z
  .strictObject({
    paypro: z
      .strictObject({
        available: kes().describe('What payouts may still draw on'),
        frozen: kes().describe('Held by Paypro'),
        unsettled: kes().describe('Come in, not yet available'),
        readAt: timestamp.describe("When Paypro's answer came: read for this reply, never cached"),
      })
      .describe("Paypro's Balance Inquiry, read now"),
    inFlight,
    caps: capsToday,
  })
  .register(replies, {
    id: 'AdminBalance',
    description: "Paypro's balance read now, the money in flight, and today's caps against their limits.",
  });

const payproOutcome = z.enum(['SUCCEEDED', 'PROCESSING', 'FAILED']).register(replies, {
  id: 'PayproOutcome',
  description: "What Paypro's transaction status means: 0000 SUCCEEDED, 0015 PROCESSING, any other FAILED.",
});

export const receiptAnswer = z
  .strictObject({
    platFormTradeNo: z.string().optional().describe("Paypro's own reference of the transaction"),
    amount: z
      .string()
      .describe("Paypro's amount as text: a string as sent (100.0000), a JSON number as read (100)"),
    status: z.string().describe("Paypro's transaction status code, verbatim (0000 success, 0015 processing)"),
    outcome: payproOutcome,
    message: z.string(),
    mpesaReceiptNumber: z.string().optional(),
    successTime: z
      .string()
      .optional()
      .describe("UTC ISO 8601 when Paypro's Kenya time is readable; otherwise as Paypro sent it"),
  })
  .register(replies, { id: 'ReceiptAnswer', description: "Paypro's Mpesa Query answer for a receipt code." });

const receiptMatch = z.enum(['platFormTradeNo', 'query']).register(replies, {
  id: 'ReceiptMatch',
  description:
    "How the payout was matched: it stores Paypro's platFormTradeNo, or Paypro's payout query names it " +
    '(a payout Paypro paid at once never stores it); absent when payout is null.',
});

export const receiptLookup = z
  .strictObject({
    code: z.string().describe('The receipt code, upper case'),
    paypro: receiptAnswer,
    payout: payoutView
      .nullable()
      .describe(
        "Our payout with Paypro's platFormTradeNo, or (when none stores it) the one Paypro's payout query " +
          'says carries it, as GET /admin/payouts/{tradeNo} shows it; null when none (created more than two ' +
          'Kenya days before the payment, not paid through this service, or the search was cut: see note)',
      ),
    matchedBy: receiptMatch.optional(),
    note: z
      .string()
      .optional()
      .describe(
        'Present when payout is null and the search may have missed it: more candidates (same amount and ' +
          'outcome, no Paypro reference) than Paypro is asked about, or Paypro not answering about some',
      ),
  })
  .register(replies, {
    id: 'ReceiptLookup',
    description: 'What Paypro knows of an M-Pesa receipt code, and the payout it matches.',
  });

agree<Same<z.output<typeof inFlight>, InFlight>>();
agree<Same<z.output<typeof capsToday>, CapsToday>>();
agree<Same<z.output<typeof adminBalance>, AdminBalance>>();
agree<Same<z.output<typeof receiptAnswer>, ReceiptAnswer>>();
agree<Same<z.output<typeof receiptLookup>, ReceiptLookup>>();
