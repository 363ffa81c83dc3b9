/*
 * The operators' operations, under /admin: SigV4 (AWS_IAM) in every stage; under `npm start` only,
 * the local admin key stands in for the signature.
 */
import { z } from 'zod';
import { MAX_QUERIED_CANDIDATES } from '../lib/admin/receipt';
import {
  ADMIN_LIST_DEFAULT_LIMIT,
  ADMIN_LIST_MAX_LIMIT,
  adminListQuerySchema,
  dailyReportQuerySchema,
} from '../lib/admin/schema';
import { BATCH_LIST_DEFAULT_LIMIT, BATCH_LIST_MAX_LIMIT } from '../lib/batches/list';
import { REQUEST_EXAMPLES, RESEND_EXAMPLES } from './examples';
import { jsonSchema, ref } from './json-schema';
import { batchIdParameter, batchPageParameters, batchReportReply, tradeNoParameter } from './paths-app';
import {
  ADMIN_SECURITY,
  adminRouteReplies,
  badRequest,
  decimalIntegerParameter,
  json,
  jsonBody,
  notFound,
  pathParameter,
  problem,
  queryParameters,
  unavailable,
} from './responses';

/** The operators' paths. */
export function adminPaths() {
  const tradeNo = tradeNoParameter();
  const batchId = batchIdParameter();
  return {
    '/admin/payouts': {
      get: {
        operationId: 'adminListPayouts',
        tags: ['admin'],
        summary: 'List payouts by status and creation time, newest first',
        description:
          'A page of payouts created in a range (a week by default), newest first, of one status or all, ' +
          'flagged or not; follow nextCursor with the same parameters for the next page. No table scan.',
        security: ADMIN_SECURITY,
        parameters: queryParameters(
          adminListQuerySchema,
          {
            status: 'Only payouts in this status',
            from: 'Created at or after (default: 6 Kenya days before `to`, from the start of that day)',
            to: 'Created at or before (default: now); from and to at most 31 days apart',
            flagged:
              'true: only payouts the reconciler flagged (open a day after creation); false: only others',
            limit: 'Payouts in the page, in decimal digits',
            cursor:
              'The nextCursor of the previous page, with the same status, flagged, from and to (limit may change); it keeps the range the first page resolved',
          },
          {
            status: ref('PayoutStatus'),
            flagged: ref('QueryBoolean'),
            limit: decimalIntegerParameter(1, ADMIN_LIST_MAX_LIMIT, ADMIN_LIST_DEFAULT_LIMIT),
          },
        ),
        responses: {
          '200': json('AdminPayoutPage', 'A page of payouts.'),
          '400': badRequest('A malformed or unknown parameter, or a range that is not one'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payouts/{tradeNo}/resolve': {
      post: {
        operationId: 'adminResolvePayout',
        tags: ['admin'],
        summary: 'Settle an open payout by hand, after asking Paypro',
        description:
          "Moves a PENDING or PROCESSING payout to SUCCEEDED or FAILED. Paypro's query is asked first; if " +
          "it contradicts `to`, 409 with Paypro's answer unless `force` is true. Never sends money; who and " +
          'why go into the history, and the payout event reaches the webhooks.',
        security: ADMIN_SECURITY,
        parameters: [tradeNo],
        requestBody: jsonBody('ResolveRequest', REQUEST_EXAMPLES.ResolveRequest),
        responses: {
          '200': json('Payout', 'Resolved: the payout as GET /payouts/{tradeNo} shows it.'),
          '400': badRequest('A malformed tradeNo or body, or a query parameter (the route takes none)'),
          '404': notFound('No payout has this tradeNo.'),
          '409': problem(
            'ConflictProblem',
            "The payout is already final, or Paypro's query contradicts the resolution (`paypro` says what it said; send force: true to override).",
          ),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payouts/{tradeNo}/resend': {
      post: {
        operationId: 'adminResendPayout',
        tags: ['admin'],
        summary: 'Send a PENDING payout again, after asking Paypro',
        description:
          "For a payout whose send may or may not have reached Paypro (a flagged one) and that an operator checked: Paypro's " +
          'query is asked first, and a payout it knows, or one not PENDING, is refused (409, nothing sent). Otherwise it ' +
          'is sent once more with the same tradeNo (Paypro refuses a tradeNo it already has, so it cannot be paid twice); ' +
          'who and why go into the history. 503 when Paypro cannot be asked or its breaker holds payout calls.',
        security: ADMIN_SECURITY,
        parameters: [tradeNo],
        requestBody: jsonBody('ResendRequest', RESEND_EXAMPLES.request),
        responses: {
          '200': json('Payout', "Sent again, and Paypro's answer recorded.", RESEND_EXAMPLES.sent),
          '202': json(
            'Payout',
            "Sent again (or left for the reconciler to send) without Paypro's answer: still PENDING.",
            RESEND_EXAMPLES.unanswered,
          ),
          '400': badRequest('A malformed tradeNo or body (`reason` is required), or a query parameter'),
          '404': notFound('No payout has this tradeNo.'),
          '409': problem(
            'ConflictProblem',
            "Nothing sent: the payout is final, or not PENDING, or Paypro's query knows it (`paypro` says what it said), " +
              'or it changed while the resend was written. `payoutStatus` is its status as stored.',
            RESEND_EXAMPLES.refused,
          ),
          ...adminRouteReplies(),
          '503': {
            ...unavailable,
            description:
              'Nothing sent: Paypro could not be asked, its breaker holds payout calls (Paypro unavailable, or just back), or the store did not answer.',
            content: {
              'application/problem+json': {
                schema: ref('UnavailableProblem'),
                examples: RESEND_EXAMPLES.held,
              },
            },
          },
        },
      },
    },
    '/admin/reports/daily.csv': {
      get: {
        operationId: 'adminDailyReport',
        tags: ['admin'],
        summary: 'Every payout created one Kenya day, as CSV',
        description:
          'One line per payout created that Kenya day (UTC+3), oldest first, to reconcile against ' +
          "Paypro's statement; at most 25,000 rows a reply, the rest behind the Link header.",
        security: ADMIN_SECURITY,
        parameters: queryParameters(dailyReportQuerySchema, {
          date: 'The Kenya day (UTC+3)',
          cursor: 'Where the previous reply stopped: follow its Link header',
        }),
        responses: {
          '200': {
            description: 'The report, or its first part: a Link header (rel="next") points to the rest.',
            headers: {
              'Content-Disposition': {
                description: 'attachment; filename="payouts-<date>.csv"',
                schema: { type: 'string' },
              },
              Link: {
                description:
                  'When rows remain: <daily.csv?date=…&cursor=…>; rel="next", relative to this URL',
                schema: { type: 'string' },
              },
            },
            content: {
              'text/csv': {
                schema: ref('DailyReport'),
                examples: {
                  example: {
                    summary: 'One payout',
                    value:
                      'tradeNo,createdAt,status,amount,mobile,batchId,serialNumber,platFormTradeNo,payproCode,payproMessage,successTime,flaggedAt\r\n' +
                      'order-1001,2026-11-25T09:00:00.000Z,SUCCEEDED,100,2547****5678,,PP20261125090000123,KE20261125000000456,0000,SUCCESS,2026-11-25T09:00:02.000Z,\r\n',
                  },
                },
              },
            },
          },
          '400': badRequest('A malformed or unknown parameter'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payout-batches': {
      get: {
        operationId: 'adminListBatches',
        tags: ['admin'],
        summary: 'List batches, newest first, of one status or all',
        description:
          'A page of batch summaries (status, decisions, progress), newest first; e.g. status=AWAITING_APPROVAL ' +
          'for the batches an operator must approve or cancel.',
        security: ADMIN_SECURITY,
        parameters: [
          {
            name: 'status',
            in: 'query',
            description: 'Only batches in this status',
            schema: ref('BatchStatus'),
          },
          {
            name: 'limit',
            in: 'query',
            description: 'Batches in the page, in decimal digits',
            schema: decimalIntegerParameter(1, BATCH_LIST_MAX_LIMIT, BATCH_LIST_DEFAULT_LIMIT),
          },
          {
            name: 'cursor',
            in: 'query',
            description: 'The nextCursor of the previous page',
            schema: jsonSchema(z.string()),
          },
        ],
        responses: {
          '200': json('BatchListPage', 'A page of batches.'),
          '400': badRequest('A malformed or unknown parameter'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payouts/{tradeNo}': {
      get: {
        operationId: 'adminGetPayout',
        tags: ['admin'],
        summary: 'Read a payout and its history, as apps see it',
        description: 'The same reply as GET /payouts/{tradeNo}, for operators (SigV4, not the API key).',
        security: ADMIN_SECURITY,
        parameters: [tradeNo],
        responses: {
          '200': json('Payout', 'The payout.'),
          '400': badRequest('The tradeNo is malformed, or a query parameter was sent'),
          '404': notFound('No payout has this tradeNo.'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payout-batches/{batchId}': {
      get: {
        operationId: 'adminGetBatch',
        tags: ['admin'],
        summary: 'Read a batch and a page of its items, as apps see it',
        description:
          'The same reply as GET /payout-batches/{batchId}, for operators (SigV4, not the API key).',
        security: ADMIN_SECURITY,
        parameters: [batchId, ...batchPageParameters()],
        responses: {
          '200': json('BatchPage', 'The batch, its counts and amounts per item status, and a page of items.'),
          '400': badRequest('A malformed batchId, status, cursor or limit, or an unknown parameter'),
          '404': notFound('No batch has this batchId.'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payout-batches/{batchId}/report.csv': {
      get: {
        operationId: 'adminGetBatchReport',
        tags: ['admin'],
        summary: 'One CSV line per item of a batch, for finance',
        description: 'The same report as GET /payout-batches/{batchId}/report.csv, for operators.',
        security: ADMIN_SECURITY,
        parameters: [batchId],
        responses: {
          '200': batchReportReply,
          '400': badRequest('The batchId is malformed, or a query parameter was sent'),
          '404': notFound('No batch has this batchId.'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payout-batches/{batchId}/approve': {
      post: {
        operationId: 'adminApproveBatch',
        tags: ['admin'],
        summary: 'Approve a batch awaiting approval: it is then recorded and sent',
        description:
          'The maker-checker step for batches above BATCH_APPROVAL_ABOVE_AMOUNT: one conditional write ' +
          'keeps who, when and why on the batch, and its next step is asked for at once.',
        security: ADMIN_SECURITY,
        parameters: [batchId],
        requestBody: jsonBody('ApproveBatchRequest', REQUEST_EXAMPLES.ApproveBatchRequest, false),
        responses: {
          '200': json('BatchSummary', 'Approved: who, when and why are kept on the batch.'),
          '400': badRequest('A malformed batchId or body'),
          '404': notFound('No batch has this batchId.'),
          '409': problem(
            'ConflictProblem',
            'The batch is not awaiting approval (or its approval time is over).',
          ),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/payout-batches/{batchId}/cancel': {
      post: {
        operationId: 'adminCancelBatch',
        tags: ['admin'],
        summary: 'Cancel a batch nothing of which is recorded yet; its cap shares go back',
        description:
          'Cancels a RECEIVED, AWAITING_APPROVAL or AWAITING_FUNDS batch: nothing of it is ever recorded or sent, and the ' +
          "shares of the day's caps it reserved go back.",
        security: ADMIN_SECURITY,
        parameters: [batchId],
        requestBody: jsonBody('CancelBatchRequest', REQUEST_EXAMPLES.CancelBatchRequest),
        responses: {
          '200': json('BatchSummary', 'Cancelled: who, when and why are kept on the batch.'),
          '400': badRequest('A malformed batchId or body'),
          '404': notFound('No batch has this batchId.'),
          '409': problem(
            'ConflictProblem',
            'The batch is recording, sending or final: it can no longer be cancelled.',
          ),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/balance': {
      get: {
        operationId: 'adminGetBalance',
        tags: ['admin'],
        summary: "Paypro's balance now, the money in flight, and today's caps",
        description:
          "Paypro's Balance Inquiry read for this reply (never cached: `readAt` says when), the money in " +
          'flight (open payouts, and items of batches past the funds check not yet recorded), and the ' +
          "Kenya day's caps against their limits (null for a cap the stage does not set). Reads only.",
        security: ADMIN_SECURITY,
        responses: {
          '200': json('AdminBalance', "Paypro's figures, what is in flight, and the caps."),
          '400': badRequest('A query parameter was sent (the route takes none)'),
          ...adminRouteReplies(),
          '503': problem(
            'UnavailableProblem',
            "Paypro's balance could not be read (no answer, a refusal, or figures that are not amounts), or the store did not answer.",
            {
              unreadable: {
                summary: "Paypro's balance could not be read",
                value: {
                  type: 'about:blank',
                  title: 'Service Unavailable',
                  status: 503,
                  detail: "Paypro's balance could not be read; try again later.",
                },
              },
            },
          ),
        },
      },
    },
    '/admin/paypro-status': {
      get: {
        operationId: 'adminGetPayproStatus',
        tags: ['admin'],
        summary: 'Whether Paypro is available, since when, and what waits for it',
        description:
          "Paypro's availability as the breaker in front of every Paypro money call sees it (its item read " +
          'for this reply): available, unavailable since `since` (nothing is sent; single payouts wait ' +
          'PENDING, batch items in their queue; nothing is lost; `nextProbeAt` says when it is tried again), ' +
          'or resuming after `restoredAt` until `rampUntil`. While unavailable or resuming, `held` counts the ' +
          'payouts recorded and never sent, their shillings and their batches. Asks Paypro nothing; reads only.',
        security: ADMIN_SECURITY,
        responses: {
          '200': json('PayproStatus', "Paypro's availability and the work held."),
          '400': badRequest('A query parameter was sent (the route takes none)'),
          ...adminRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/admin/mpesa-receipts/{code}': {
      get: {
        operationId: 'adminGetReceipt',
        tags: ['admin'],
        summary: 'What Paypro knows of an M-Pesa receipt code, and the payout it matches',
        description:
          "Asks Paypro's Mpesa Query about the receipt code a recipient quotes (from the M-Pesa SMS) and " +
          "finds our payout by Paypro's platFormTradeNo among those created on the Kenya day of the " +
          'payment and the two days before (today and the two before when Paypro gives no time). ' +
          `When none stores it (Paypro paid it at once), Paypro's payout query is asked about at most ${MAX_QUERIED_CANDIDATES} ` +
          'payouts of those days with the same amount, an agreeing status and no platFormTradeNo, latest ' +
          'created first; matchedBy says how it was found, note when the search was cut. ' +
          'A malformed code is refused before Paypro is asked. Reads only.',
        security: ADMIN_SECURITY,
        parameters: [
          pathParameter(
            'code',
            'The M-Pesa receipt code: 10 letters and digits, any case (e.g. SHL2A6WAQU)',
            jsonSchema(z.string().regex(/^[A-Za-z0-9]{10}$/)),
            'SHL2A6WAQU',
          ),
        ],
        responses: {
          '200': json('ReceiptLookup', "Paypro's answer, and our payout or null."),
          '400': badRequest('The code is not 10 letters and digits, or a query parameter was sent'),
          '404': problem(
            'NotFoundProblem',
            'Paypro knows no transaction with this code (its refusal, verbatim).',
            {
              unknown: {
                summary: 'Paypro does not know the code',
                value: {
                  type: 'about:blank',
                  title: 'Not Found',
                  status: 404,
                  detail:
                    'Paypro knows no M-Pesa transaction with receipt code SHL2A6WAQX (Paypro: 1005 ORDER_NOT_EXIST).',
                },
              },
            },
          ),
          ...adminRouteReplies(),
          '503': problem('UnavailableProblem', 'Paypro could not be asked, or the store did not answer.', {
            unreachable: {
              summary: 'Paypro did not answer',
              value: {
                type: 'about:blank',
                title: 'Service Unavailable',
                status: 503,
                detail: 'Paypro could not be asked about this receipt code; try again later.',
              },
            },
          }),
        },
      },
    },
  };
}
