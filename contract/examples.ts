/*
 * Examples of the document's bodies, after the README's own (order-1001, payroll-2026-11). Redocly's
 * linter (npm test) checks every one against its schema, so an example cannot drift from the contract.
 */
import type { Example } from './responses';

type Examples = Record<string, Example>;
const one = (summary: string, value: unknown): Examples => ({ example: { summary, value } });

const AT = '2026-11-25T09:00:00.000Z';
const SENT_AT = '2026-11-25T09:00:00.412Z';
const PAID_AT = '2026-11-25T09:00:02.000Z';

/** order-1001 as POST /payouts records it when Paypro accepts it. */
export const processingPayout = {
  tradeNo: 'order-1001',
  status: 'PROCESSING',
  amount: 100,
  mobile: '2547****5678',
  remark: 'March wages',
  paypro: { serialNumber: 'PP20261125090000123', code: '0015', message: 'CREDIT_INPROGRESS' },
  createdAt: AT,
  updatedAt: SENT_AT,
  history: [
    { at: AT, source: 'api', status: 'PENDING' },
    {
      at: SENT_AT,
      source: 'paypro-payout',
      status: 'PROCESSING',
      code: '0015',
      message: 'CREDIT_INPROGRESS',
    },
  ],
};

/** order-1001 once Paypro's callback, verified by query, says it was paid. */
export const succeededPayout = {
  ...processingPayout,
  status: 'SUCCEEDED',
  paypro: {
    serialNumber: 'PP20261125090000123',
    platFormTradeNo: 'KE20261125000000456',
    code: '0000',
    message: 'SUCCESS',
    successTime: PAID_AT,
  },
  updatedAt: PAID_AT,
  history: [
    ...processingPayout.history,
    { at: PAID_AT, source: 'callback', status: 'SUCCEEDED', code: '0000', message: 'SUCCESS' },
  ],
};

/** A payout Paypro did not answer in time: still PENDING, settled later from Paypro. */
const pendingPayout = {
  ...processingPayout,
  status: 'PENDING',
  paypro: {},
  updatedAt: SENT_AT,
  history: [
    { at: AT, source: 'api', status: 'PENDING' },
    {
      at: SENT_AT,
      source: 'paypro-payout',
      note: 'Paypro did not answer in 10000 ms; the reconciler settles it',
    },
  ],
};

/** payroll-2026-11 as POST /payout-batches stores it. */
export const receivedBatch = {
  batchId: 'payroll-2026-11',
  status: 'RECEIVED',
  itemCount: 1000,
  totalAmount: 599500,
  createdAt: AT,
  updatedAt: AT,
};

const sendingBatch = {
  ...receivedBatch,
  status: 'SENDING',
  updatedAt: PAID_AT,
  progress: {
    counts: { PENDING: 412, PROCESSING: 66, SUCCEEDED: 521, FAILED: 0, REJECTED: 1, CANCELLED: 0 },
    amounts: {
      PENDING: 368119,
      PROCESSING: 37075,
      SUCCEEDED: 193706,
      FAILED: 0,
      REJECTED: 600,
      CANCELLED: 0,
    },
    at: PAID_AT,
  },
};

const batchPage = {
  ...receivedBatch,
  status: 'SENDING',
  updatedAt: PAID_AT,
  counts: sendingBatch.progress.counts,
  amounts: sendingBatch.progress.amounts,
  items: [
    {
      index: 0,
      tradeNo: 'pay-0',
      status: 'SUCCEEDED',
      amount: 100,
      mobile: '2547****0000',
      paypro: { code: '0000', message: 'SUCCESS', serialNumber: 'PP20261125090001000', successTime: PAID_AT },
    },
  ],
  nextCursor: 'MTAw',
};

/** The usual example of each reply schema, by its id in `components.schemas`. */
export const REPLY_EXAMPLES: Record<string, Examples> = {
  Payout: one('A payout Paypro is paying', processingPayout),
  BatchSummary: one('A batch being sent', sendingBatch),
  BatchPage: one('A batch and its first item', batchPage),
  BatchListPage: one('A page of batches', { batches: [sendingBatch], nextCursor: 'MQ' }),
  AdminPayoutPage: one('A page of flagged payouts', {
    payouts: [
      {
        tradeNo: 'order-1001',
        status: 'PROCESSING',
        amount: 100,
        mobile: '2547****5678',
        createdAt: AT,
        paypro: { code: '0015', message: 'CREDIT_INPROGRESS', serialNumber: 'PP20261125090000123' },
        flaggedAt: '2026-11-26T09:05:00.000Z',
      },
    ],
    nextCursor: 'WyIyMDI2LTExLTI0VDA5OjMwOjAw',
  }),
  AdminBalance: one('The float, what is in flight, and today’s caps', {
    paypro: { available: 1250000, frozen: 0, unsettled: 35000.5, readAt: '2026-11-25T09:00:00.731Z' },
    inFlight: {
      openPayouts: { count: 66, amount: 37075 },
      queuedItems: { count: 412, amount: 368119 },
      amount: 405194,
    },
    caps: {
      day: '2026-11-25',
      dailyAmount: { limit: 5000000, used: 599600, remaining: 4400400 },
      dailyCount: { limit: 20000, used: 1001, remaining: 18999 },
      recipientDailyAmount: { limit: 500000 },
      recipientDailyCount: { limit: 20 },
    },
  }),
  PayproStatus: {
    unavailable: {
      summary: 'Paypro unavailable for four minutes, a payroll held',
      value: {
        availability: 'unavailable',
        since: '2026-11-25T09:00:02.000Z',
        failure: "HTTP 503 without Paypro's envelope",
        lastFailure: 'connection failed (ECONNREFUSED)',
        nextProbeAt: '2026-11-25T09:04:17.000Z',
        restoredAt: null,
        rampUntil: null,
        held: { payouts: 958, amount: 574800, batches: 1 },
        readAt: '2026-11-25T09:04:09.310Z',
      },
    },
    resuming: {
      summary: 'Paypro answered again: the held payroll goes out at a ramp',
      value: {
        availability: 'resuming',
        since: '2026-11-25T09:00:02.000Z',
        failure: "HTTP 503 without Paypro's envelope",
        lastFailure: 'connection failed (ECONNREFUSED)',
        nextProbeAt: null,
        restoredAt: '2026-11-25T09:04:17.000Z',
        rampUntil: '2026-11-25T09:05:17.000Z',
        held: { payouts: 431, amount: 258600, batches: 1 },
        readAt: '2026-11-25T09:04:40.120Z',
      },
    },
    available: {
      summary: 'Paypro available; its last outage ended at 09:04',
      value: {
        availability: 'available',
        since: null,
        failure: null,
        lastFailure: null,
        nextProbeAt: null,
        restoredAt: '2026-11-25T09:04:17.000Z',
        rampUntil: null,
        held: null,
        readAt: '2026-11-25T11:00:00.054Z',
      },
    },
  },
  ReceiptLookup: {
    matched: {
      summary: 'Paypro paid it, and it is our payout order-1001',
      value: {
        code: 'SHL2A6WAQU',
        paypro: {
          platFormTradeNo: 'KE20261125000000456',
          amount: '100.0000',
          status: '0000',
          outcome: 'SUCCEEDED',
          message: 'SUCCESS',
          mpesaReceiptNumber: 'SHL2A6WAQU',
          successTime: PAID_AT,
        },
        payout: succeededPayout,
        matchedBy: 'platFormTradeNo',
      },
    },
    matchedByQuery: {
      summary:
        "Paypro paid it at once (0000 in its answer to the payout call): found by Paypro's payout query",
      value: {
        code: 'SHL2A6WAQW',
        paypro: {
          platFormTradeNo: 'KE20261125000000789',
          amount: '100.0000',
          status: '0000',
          outcome: 'SUCCEEDED',
          message: 'SUCCESS',
          mpesaReceiptNumber: 'SHL2A6WAQW',
          successTime: '2026-11-25T09:00:01.000Z',
        },
        payout: {
          ...processingPayout,
          status: 'SUCCEEDED',
          paypro: { serialNumber: 'PP20261125090000123', code: '0000', message: 'SUCCESS' },
          history: [
            { at: AT, source: 'api', status: 'PENDING' },
            { at: SENT_AT, source: 'paypro-payout', status: 'SUCCEEDED', code: '0000', message: 'SUCCESS' },
          ],
        },
        matchedBy: 'query',
      },
    },
    cut: {
      summary: 'Too many payouts of that amount without a Paypro reference: the search was cut',
      value: {
        code: 'SHL2A6WAQY',
        paypro: {
          platFormTradeNo: 'KE20261125000000999',
          amount: '2000.0000',
          status: '0000',
          outcome: 'SUCCEEDED',
          message: 'SUCCESS',
          mpesaReceiptNumber: 'SHL2A6WAQY',
          successTime: PAID_AT,
        },
        payout: null,
        note:
          'Search cut: more than 10 of our payouts of 2000 KES with no Paypro reference could be this one; ' +
          'Paypro was asked about the 10 created latest before the payment, and none is it. Look for it by ' +
          'amount and time in the daily report.',
      },
    },
    unmatched: {
      summary: 'Paypro knows it; no payout of ours matches',
      value: {
        code: 'SHL2A6WAQV',
        paypro: {
          platFormTradeNo: 'KE20261101000000001',
          amount: '2500.0000',
          status: '0000',
          outcome: 'SUCCEEDED',
          message: 'SUCCESS',
          mpesaReceiptNumber: 'SHL2A6WAQV',
          successTime: '2026-11-01T06:12:40.000Z',
        },
        payout: null,
      },
    },
  },
  OpenApiDocument: one('This document, shortened', {
    openapi: '3.1.0',
    info: { title: 'Paypro Kenya payouts', version: '0.1.0' },
    paths: {},
  }),
};

/** POST /payouts: the stored payout (200), Paypro's answer (201), an unknown answer (202). */
export const CREATE_EXAMPLES = {
  replay: one('The same request again: the payout as stored, nothing sent', processingPayout),
  created: {
    processing: { summary: 'Paypro accepted it (0015)', value: processingPayout },
    succeeded: { summary: 'Paypro paid it at once (0000)', value: succeededPayout },
  },
  unknown: {
    pending: { summary: 'Paypro did not answer: PENDING', value: pendingPayout },
    settled: {
      summary: 'Settled by a callback while the answer was awaited: the stored status',
      value: { ...succeededPayout, history: [...pendingPayout.history, succeededPayout.history[2]] },
    },
  },
};

const RESENT_AT = '2026-11-26T10:00:00.000Z';
const OPERATOR = 'arn:aws:iam::123456789012:user/ops-alice';
/** order-1001's history when its send timed out, the reconciler flagged it and an operator sent it again. */
const resentHistory = [
  ...pendingPayout.history,
  {
    at: '2026-11-25T09:04:00.000Z',
    source: 'reconciler',
    note:
      "Paypro's query has not known it since 2026-11-25T09:02:00.000Z (1005 ORDER_NOT_EXIST), although it was " +
      `sent at ${SENT_AT}; its send may have reached Paypro (no answer in time). Never sent again by itself: ` +
      'check with Paypro, then resend it (POST /admin/payouts/{tradeNo}/resend) or resolve it ' +
      '(docs/operator-guide.md, "Flagged payouts")',
  },
  {
    at: RESENT_AT,
    source: 'operator',
    operator: OPERATOR,
    reason: 'Paypro ticket 4411: they never received it',
    note:
      "sent again by an operator with the same tradeNo; Paypro's query did not know it (1005 ORDER_NOT_EXIST); " +
      `sent before at ${SENT_AT} (ambiguous: no answer in time)`,
  },
];

/** POST /admin/payouts/{tradeNo}/resend: its request, its replies and its refusals. */
export const RESEND_EXAMPLES = {
  request: one('What the operator checked', { reason: 'Paypro ticket 4411: they never received it' }),
  sent: one('Sent again; Paypro accepted it (0015)', {
    ...processingPayout,
    updatedAt: RESENT_AT,
    history: [
      ...resentHistory,
      {
        at: RESENT_AT,
        source: 'paypro-payout',
        status: 'PROCESSING',
        code: '0015',
        message: 'CREDIT_INPROGRESS',
      },
    ],
  }),
  unanswered: one('Sent again; Paypro did not answer: PENDING, for the reconciler', {
    ...pendingPayout,
    updatedAt: RESENT_AT,
    history: [
      ...resentHistory,
      { at: RESENT_AT, source: 'paypro-payout', note: 'outcome unknown: no answer in time' },
    ],
  }),
  refused: {
    known: {
      summary: "Paypro's query knows it: nothing sent",
      value: {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail:
          "Payout order-1001 was not sent again: Paypro's query knows it (0015 CREDIT_INPROGRESS, amount 100.0000); " +
          'the reconciler applies what it says.',
        paypro: '0015 CREDIT_INPROGRESS, amount 100.0000',
        payoutStatus: 'PENDING',
      },
    },
    final: {
      summary: 'Already final: nothing sent, Paypro not asked',
      value: {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'Payout order-1001 was not sent again: it is already SUCCEEDED.',
        payoutStatus: 'SUCCEEDED',
      },
    },
  },
  held: one('The breaker holds payout calls: nothing sent', {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail:
      'Paypro could not be asked about sending this payout while the breaker holds payout calls (Paypro unavailable, or just back); try again later.',
  }),
};

/** The problems, one usual example each, by schema id. */
export const PROBLEM_EXAMPLES: Record<string, Examples> = {
  BadRequestProblem: one('Two fields wrong', {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail: 'The request has 2 problems.',
    errors: [
      { field: 'amount', message: 'must be between 50 and 250000 KES' },
      { field: 'mobile', message: 'is required' },
    ],
    problemCount: 2,
  }),
  UnauthorizedProblem: one('A token of another tradeNo', {
    type: 'about:blank',
    title: 'Unauthorized',
    status: 401,
    detail: 'The callback token is not valid for this tradeNo.',
  }),
  ForbiddenProblem: one('No operator identity', {
    type: 'about:blank',
    title: 'Forbidden',
    status: 403,
    detail: 'Forbidden.',
  }),
  NotFoundProblem: one('Unknown tradeNo', {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'No payout with tradeNo order-1001.',
  }),
  ConflictProblem: one('The tradeNo is taken', {
    type: 'about:blank',
    title: 'Conflict',
    status: 409,
    detail:
      'tradeNo order-1001 is already used by a payout with a different amount, mobile or remark; use a new tradeNo for a new payout.',
  }),
  CapExceededProblem: one('The day’s count cap is used up', {
    type: 'about:blank',
    title: 'Unprocessable Content',
    status: 422,
    detail: 'The payout would exceed the daily count cap for 2026-11-25 (Kenya time): limit 10, 0 left.',
    cap: 'dailyCount',
    limit: 10,
    remaining: 0,
    day: '2026-11-25',
  }),
  ServerErrorProblem: one('Anything unexpected', {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred.',
  }),
  UnavailableProblem: one('DynamoDB did not confirm the write', {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail:
      'The payout store is unavailable; nothing has been sent. Retry with the same tradeNo to learn its state.',
    tradeNo: 'order-1001',
  }),
};

/** The request bodies' examples, by schema id. */
export const REQUEST_EXAMPLES = {
  PayoutRequest: {
    typed: {
      summary: 'As a person types the mobile',
      value: { amount: 100, mobile: '0712 345 678', tradeNo: 'order-1001', remark: 'March wages' },
    },
    text: {
      summary: 'The amount as digits',
      value: { amount: '100', mobile: '+254712345678', tradeNo: 'order-1002' },
    },
  },
  BatchRequest: one('A payroll of two', {
    batchId: 'payroll-2026-11',
    items: [
      { tradeNo: 'pay-0', amount: 100, mobile: '0712000000', remark: 'line 0' },
      { tradeNo: 'pay-1', amount: 101, mobile: '0712000001', remark: 'line 1' },
    ],
  }),
  ResolveRequest: {
    agreed: { summary: 'Paypro agrees', value: { to: 'FAILED', reason: 'Paypro ticket 4411: never paid' } },
    forced: {
      summary: 'Against Paypro’s answer',
      value: { to: 'FAILED', reason: 'ticket 4411', force: true },
    },
  },
  ApproveBatchRequest: one('With a reason', { reason: 'checked against the HR export' }),
  CancelBatchRequest: one('The reason is required', { reason: 'wrong month: HR sends a new file' }),
  PayproCallback: one('Paypro says it paid', {
    platFormTradeNo: 'KE20261125000000456',
    tradeNo: 'order-1001',
    amount: '100.0000',
    status: '0000',
    message: 'SUCCESS',
    successTime: '2026-11-25 12:00:02',
  }),
} satisfies Record<string, Examples>;
