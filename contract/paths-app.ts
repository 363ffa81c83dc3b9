/*
 * The operations apps call (payouts and batches, with the API key), Paypro's callback and the
 * document itself.
 */
import { z } from 'zod';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../lib/batches/read';
import { CREATE_EXAMPLES, REQUEST_EXAMPLES, receivedBatch } from './examples';
import { jsonSchema, ref } from './json-schema';
import {
  APP_SECURITY,
  appRouteReplies,
  badRequest,
  capExceeded,
  decimalIntegerParameter,
  identifier,
  json,
  jsonBody,
  notFound,
  pathParameter,
  problem,
  type Response,
  serverError,
  unavailable,
} from './responses';

/** A batch's CSV report, for apps and operators alike. */
export const batchReportReply: Response = {
  description: 'The report.',
  headers: {
    'Content-Disposition': {
      description: 'attachment; filename="<batchId>.csv"',
      schema: { type: 'string' },
    },
  },
  content: {
    'text/csv': {
      schema: ref('BatchReport'),
      examples: {
        example: {
          summary: 'Two items: one paid, one refused',
          value:
            'tradeNo,mobile,amount,status,code,message,serialNumber,successTime,reason\r\n' +
            'pay-0,2547****0000,100,SUCCEEDED,0000,SUCCESS,PP20261125090001000,2026-11-25T09:00:02.000Z,\r\n' +
            'pay-1,2547****0001,101,REJECTED,,,,,tradeNo pay-1 is held by another payout\r\n',
        },
      },
    },
  },
};

/** The payout's tradeNo in a path. */
export const tradeNoParameter = () =>
  pathParameter('tradeNo', 'The payout’s tradeNo', identifier(), 'order-1001');
/** The batch's batchId in a path. */
export const batchIdParameter = () =>
  pathParameter('batchId', 'The batch’s batchId', identifier(), 'payroll-2026-11');

/** The query of a page of a batch's items. */
export const batchPageParameters = () => [
  {
    name: 'status',
    in: 'query',
    description: 'Only the items in this status',
    schema: ref('BatchItemStatus'),
  },
  {
    name: 'cursor',
    in: 'query',
    description: 'The nextCursor of the previous page',
    schema: jsonSchema(z.string()),
  },
  {
    name: 'limit',
    in: 'query',
    description: 'Items in the page, in decimal digits',
    schema: decimalIntegerParameter(1, MAX_LIMIT, DEFAULT_LIMIT),
  },
];

/** The paths apps and Paypro call, and the document's own. */
export function appPaths() {
  const tradeNo = tradeNoParameter();
  const batchId = batchIdParameter();
  return {
    '/payouts': {
      post: {
        operationId: 'createPayout',
        tags: ['payouts'],
        summary: 'Create a payout, sent to Paypro exactly once',
        description:
          'Validates the payout, records it as PENDING before anything is sent, signs it and sends it to ' +
          "Paypro once, and records Paypro's answer. The tradeNo is the idempotency key: the same request " +
          'again answers 200 with the stored payout and sends nothing; another request under a used ' +
          'tradeNo is a 409. The daily caps are checked before anything is written (422).',
        security: APP_SECURITY,
        requestBody: jsonBody('PayoutRequest', REQUEST_EXAMPLES.PayoutRequest),
        responses: {
          '200': json(
            'Payout',
            'An identical request for this tradeNo was made before: the stored payout; nothing sent.',
            CREATE_EXAMPLES.replay,
          ),
          '201': json(
            'Payout',
            "Recorded and sent; `status` is Paypro's answer (PROCESSING, SUCCEEDED or FAILED).",
            CREATE_EXAMPLES.created,
          ),
          '202': json(
            'Payout',
            "Recorded, but Paypro's answer to the send is unknown (timeout, connection error, 5xx): it is never " +
              're-sent blindly and is settled from Paypro later. The body is the payout as stored: PENDING, ' +
              'or the status a callback or the reconciler settled it in while the answer was awaited.',
            CREATE_EXAMPLES.unknown,
          ),
          '400': badRequest(
            'Bad input, or a query parameter (the route takes none); nothing written or sent',
          ),
          '409': problem(
            'ConflictProblem',
            'The tradeNo is used by a payout with another amount, mobile or remark.',
          ),
          '422': capExceeded('The payout'),
          ...appRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/payouts/{tradeNo}': {
      get: {
        operationId: 'getPayout',
        tags: ['payouts'],
        summary: 'Read a payout: its state and history',
        description:
          "The payout as stored now: its status, Paypro's references and the history of what happened " +
          'and who said so. The mobile is masked.',
        security: APP_SECURITY,
        parameters: [tradeNo],
        responses: {
          '200': json('Payout', 'The payout.'),
          '400': badRequest('The tradeNo is malformed, or a query parameter was sent (the route takes none)'),
          '404': notFound('No payout has this tradeNo.'),
          ...appRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/payout-batches': {
      post: {
        operationId: 'createPayoutBatch',
        tags: ['batches'],
        summary: 'Submit up to 10,000 payouts at once, all or nothing',
        security: APP_SECURITY,
        requestBody: jsonBody('BatchRequest', REQUEST_EXAMPLES.BatchRequest),
        description:
          'Answers at once whatever the size: every item is validated (400, all or nothing), the batch ' +
          "is stored and its share of the day's caps reserved, and the rest happens off the request: " +
          "recipients' caps (REJECTED when over), approval (when its total needs one), recording each " +
          'item as a payout (an item whose tradeNo another payout holds is REJECTED), sending each once. ' +
          'Follow it with GET /payout-batches/{batchId}, or the batch.* webhooks.',
        responses: {
          '200': json('BatchSummary', 'The same batch was submitted before: where it stands now.'),
          '202': json('BatchSummary', 'Stored (RECEIVED): it is recorded and sent off the request.', {
            received: { summary: 'Stored', value: receivedBatch },
          }),
          '400': badRequest(
            'A problem in the envelope or any item (named items[i].field), or a query parameter (the route takes none); nothing written',
          ),
          '409': problem('ConflictProblem', 'The batchId is used by a batch with other items.'),
          '422': capExceeded("The batch (the day's caps; recipients' caps make it REJECTED instead)"),
          ...appRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/payout-batches/{batchId}': {
      get: {
        operationId: 'getPayoutBatch',
        tags: ['batches'],
        summary: 'Read a batch and a page of its items',
        description:
          'The batch, with counts and amounts per item status read from the items as stored now, and ' +
          'one page of its items in submitted order; follow nextCursor for the next page.',
        security: APP_SECURITY,
        parameters: [batchId, ...batchPageParameters()],
        responses: {
          '200': json(
            'BatchPage',
            'The batch, its counts and amounts per item status (they add up to itemCount and totalAmount), and a page of items.',
          ),
          '400': badRequest('A malformed batchId, status, cursor or limit, or an unknown parameter'),
          '404': notFound('No batch has this batchId.'),
          ...appRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/payout-batches/{batchId}/report.csv': {
      get: {
        operationId: 'getPayoutBatchReport',
        tags: ['batches'],
        summary: 'One CSV line per item, for finance',
        description:
          "Every item in submitted order with its status and Paypro's references, as finance reconciles " +
          "it against Paypro's statement; fields starting with = + - or @ are prefixed with '.",
        security: APP_SECURITY,
        parameters: [batchId],
        responses: {
          '200': batchReportReply,
          '400': badRequest('The batchId is malformed, or a query parameter was sent (the route takes none)'),
          '404': notFound('No batch has this batchId.'),
          ...appRouteReplies(),
          '503': unavailable,
        },
      },
    },
    '/callbacks/paypro/{tradeNo}/{token}': {
      post: {
        operationId: 'payproCallback',
        tags: ['callbacks'],
        summary: "Paypro's notify for one payout (the notifyUrl given with it)",
        description:
          'Public: Paypro sends no key. The token is HMAC-SHA256(callbackKey, tradeNo), base64url, so only ' +
          'the URL given to Paypro with the payout is accepted. 5xx only when the service failed, so that Paypro retries.',
        security: [],
        parameters: [
          pathParameter('tradeNo', 'The payout’s tradeNo', { type: 'string' }, 'order-1001'),
          pathParameter(
            'token',
            'The callback token of this tradeNo',
            { type: 'string' },
            'q6Z0lD0Qm8zE3n0e5hBvJ2o3aXv9cYk1Wm4tLr7sPqU',
          ),
        ],
        requestBody: jsonBody('PayproCallback', REQUEST_EXAMPLES.PayproCallback),
        responses: {
          '200': {
            description: 'Handled (duplicates too).',
            content: {
              'text/plain': {
                schema: ref('CallbackAck'),
                examples: { handled: { summary: 'Handled', value: 'OK' } },
              },
            },
          },
          '400': badRequest('A malformed body, or one for another tradeNo'),
          '401': problem('UnauthorizedProblem', 'The token does not match the tradeNo; nothing changed.'),
          '404': notFound('No payout has this tradeNo.'),
          '409': problem('ConflictProblem', 'The amount differs from the payout’s; nothing was applied.'),
          '500': serverError,
          '503': unavailable,
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['meta'],
        summary: 'This document',
        description: 'The OpenAPI 3.1 document of this API, as checked in (openapi.json). Public: no key.',
        security: [],
        responses: {
          '200': json('OpenApiDocument', 'The OpenAPI 3.1 document of this API.'),
          '429': json(
            'GatewayError',
            "API Gateway's account or stage throttling (no usage plan applies here).",
            {
              throttled: { summary: 'Throttled', value: { message: 'Too Many Requests' } },
            },
          ),
        },
      },
    },
  };
}
