/*
 * The API's OpenAPI 3.1 document, generated: request schemas from the zod schemas the handlers
 * validate with, replies from ./schemas.ts. `npm run openapi` writes it to openapi.json, which
 * is checked in (a diff shows a contract change) and served by GET /openapi.json.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { JSONSchema } from 'zod/v4/core';
import packageJson from '../../package.json';
import {
  ADMIN_LIST_DEFAULT_LIMIT,
  ADMIN_LIST_MAX_LIMIT,
  adminListQuerySchema,
  dailyReportQuerySchema,
  resolveRequestSchema,
} from '../admin/schema';
import { approveRequestSchema, cancelRequestSchema } from '../batches/decide';
import { BATCH_LIST_DEFAULT_LIMIT, BATCH_LIST_MAX_LIMIT } from '../batches/list';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../batches/read';
import { batchItemSchema, batchRequestSchema } from '../batches/schema';
import { loadConfig } from '../config';
import { callbackSchema } from '../payouts/callback';
import {
  type AmountLimits,
  amountInputSchema,
  mobileInputSchema,
  payoutRequestSchema,
  TRADE_NO_PATTERN,
} from '../payouts/schema';
import { replies } from './schemas';

type Schema = JSONSchema.JSONSchema;
type Meta = Schema & { id?: string };

const COMPONENTS = '#/components/schemas/';
const ref = (id: string): Schema => ({ $ref: `${COMPONENTS}${id}` });

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of one zod schema, without `$schema`. */
function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output' = 'input'): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

/**
 * Every schema of a registry that has an id, referring to each other by `$ref`. Metadata comes
 * from the registry (ids, and what it describes) over zod's global one (`.describe()`).
 */
function componentsOf(registry: z.core.$ZodRegistry<Meta>, io: 'input' | 'output'): Record<string, Schema> {
  const metadata = {
    get: (schema: z.core.$ZodType) => {
      const [global, own] = [z.globalRegistry.get(schema), registry.get(schema)];
      return global || own ? { ...global, ...own } : undefined;
    },
  } as unknown as z.core.$ZodRegistry<Meta>;
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    metadata,
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

/**
 * The amount bounds the document states: the service's defaults (a stage may set others). Read
 * through loadConfig, with placeholders for the two URLs it requires, so the numbers are the
 * ones the service itself falls back to.
 */
function defaultLimits(): AmountLimits {
  const config = loadConfig({
    PAYPRO_BASE_URL: 'https://paypro.invalid',
    PUBLIC_BASE_URL: 'https://api.invalid',
  });
  return { min: config.payoutMinAmount, max: config.payoutMaxAmount };
}

/** The request bodies, from the handlers' own schemas; amount and mobile described by their rules' owners. */
function requestComponents(limits: AmountLimits): Record<string, Schema> {
  const requests = z.registry<Meta>();
  const amount = amountInputSchema(limits);
  const describeFields = (schema: { shape: { amount: z.core.$ZodType; mobile: z.core.$ZodType } }) => {
    requests.add(schema.shape.amount, {
      ...amount,
      description:
        `${amount.description} These are the default bounds (PAYOUT_MIN_AMOUNT, PAYOUT_MAX_AMOUNT); ` +
        'a stage may set others, and a 400 names the bounds in force.',
    });
    requests.add(schema.shape.mobile, mobileInputSchema());
  };
  const payout = payoutRequestSchema(limits);
  describeFields(payout);
  requests.add(payout, {
    id: 'PayoutRequest',
    description:
      'A payout. Send your own tradeNo: it is the idempotency key, so a retry of the same request ' +
      'is answered with the stored payout and never sent twice.',
  });
  const item = batchItemSchema(limits);
  describeFields(item);
  requests.add(item, { id: 'BatchRequestItem', description: 'One payout of a batch: tradeNo is required.' });
  requests.add(batchRequestSchema(item), {
    id: 'BatchRequest',
    description:
      'A batch, all or nothing: every item is checked with the rules of POST /payouts, each tradeNo ' +
      'unique in the batch; the body is at most 4 MB.',
  });
  requests.add(resolveRequestSchema, {
    id: 'ResolveRequest',
    description:
      "Settle an open payout by hand. Paypro's query is asked first; if it contradicts `to`, the " +
      'reply is 409 unless `force` is true. Who and why go into the payout’s history.',
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

// --- Replies -----------------------------------------------------------------------------

interface Response {
  description: string;
  headers?: Record<string, { description: string; required?: boolean; schema: Schema }>;
  content?: Record<string, { schema: Schema }>;
}

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';

const json = (id: string, description: string): Response => ({
  description,
  content: { [JSON_TYPE]: { schema: ref(id) } },
});
const problem = (id: string, description: string): Response => ({
  description,
  content: { [PROBLEM_TYPE]: { schema: ref(id) } },
});

const badRequest = (what: string) => problem('BadRequestProblem', `${what}; \`errors\` lists every problem.`);
const notFound = (what: string) => problem('NotFoundProblem', what);
const serverError = problem('ServerErrorProblem', 'An unexpected error.');
const unavailable: Response = {
  ...problem(
    'UnavailableProblem',
    'The payout store did not answer (or, resolving a payout, Paypro); nothing was sent. Retry after Retry-After seconds.',
  ),
  headers: {
    'Retry-After': {
      description: 'Seconds to wait before retrying (sent when the store did not answer)',
      schema: { type: 'integer', minimum: 0 },
    },
  },
};
const gatewayForbidden = (extra = ''): Response =>
  json('GatewayError', `API Gateway refused the request: missing or wrong credentials.${extra}`);
const throttled = json(
  'GatewayError',
  "API Gateway's usage plan throttled this API key (rate, burst or daily quota).",
);
const capExceeded = (what: string) =>
  problem(
    'CapExceededProblem',
    `${what} would exceed a daily cap (the day's total or one recipient's, amount or count); nothing was recorded or sent.`,
  );

/** The replies every route behind the API key can get from API Gateway itself, and the 500. */
const appRouteReplies = () => ({
  '403': gatewayForbidden(' Under AWS_IAM a missing or refused SigV4 signature also answers 403.'),
  '429': throttled,
  '500': serverError,
});

// --- Parameters --------------------------------------------------------------------------

const pathParameter = (name: string, description: string, schema: Schema) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const identifier = () => jsonSchema(z.string().regex(TRADE_NO_PATTERN));

/**
 * One query parameter per property of a handler's query schema, required as the schema says;
 * `stated` gives the schema of a parameter checked in a transform, which zod cannot describe.
 */
function queryParameters(
  schema: z.core.$ZodType,
  descriptions: Record<string, string>,
  stated: Record<string, Schema> = {},
) {
  const { properties = {}, required = [] } = jsonSchema(schema) as JSONSchema.ObjectSchema;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    ...(required.includes(name) && { required: true }),
    ...(descriptions[name] !== undefined && { description: descriptions[name] }),
    schema: stated[name] ?? property,
  }));
}

/** An integer query parameter, written in decimal digits only (lib/query-string.ts). */
const decimalIntegerParameter = (min: number, max: number, fallback: number) =>
  jsonSchema(z.int().min(min).max(max).default(fallback));

// --- The document ------------------------------------------------------------------------

const APP_SECURITY = [{ apiKey: [] }, { apiKey: [], sigv4: [] }];
const ADMIN_SECURITY = [{ sigv4: [] }];

/** The replies every operator route can get from API Gateway's IAM check or its own, and the 500. */
const adminRouteReplies = () => ({
  '403': {
    description:
      'Not signed, or signed by a principal not allowed execute-api:Invoke (API Gateway, JSON); or no ' +
      'operator identity reached the function (problem+json).',
    content: {
      [JSON_TYPE]: { schema: ref('GatewayError') },
      [PROBLEM_TYPE]: { schema: ref('ForbiddenProblem') },
    },
  },
  '500': serverError,
});

/** The OpenAPI 3.1 document of the whole API. */
export function buildDocument() {
  const limits = defaultLimits();
  const tradeNo = pathParameter('tradeNo', 'The payout’s tradeNo', identifier());
  const batchId = pathParameter('batchId', 'The batch’s batchId', identifier());
  const batchReportReply: Response = {
    description: 'The report.',
    headers: {
      'Content-Disposition': {
        description: 'attachment; filename="<batchId>.csv"',
        schema: { type: 'string' },
      },
    },
    content: { 'text/csv': { schema: ref('BatchReport') } },
  };
  const batchPageParameters = [
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
  const paths = {
    '/payouts': {
      post: {
        operationId: 'createPayout',
        tags: ['payouts'],
        summary: 'Create a payout, sent to Paypro exactly once',
        security: APP_SECURITY,
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('PayoutRequest') } } },
        responses: {
          '200': json(
            'Payout',
            'An identical request for this tradeNo was made before: the stored payout; nothing sent.',
          ),
          '201': json(
            'Payout',
            "Recorded and sent; `status` is Paypro's answer (PROCESSING, SUCCEEDED or FAILED).",
          ),
          '202': json(
            'Payout',
            "Recorded as PENDING, but Paypro's answer is unknown (timeout, 5xx): it is never re-sent blindly; it is settled from Paypro later.",
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
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('BatchRequest') } } },
        description:
          'Answers at once whatever the size: every item is validated (400, all or nothing), the batch ' +
          "is stored and its share of the day's caps reserved, and the rest happens off the request: " +
          "recipients' caps (REJECTED when over), approval (when its total needs one), recording each " +
          'item as a payout (an item whose tradeNo another payout holds is REJECTED), sending each once. ' +
          'Follow it with GET /payout-batches/{batchId}, or the batch.* webhooks.',
        responses: {
          '200': json('BatchSummary', 'The same batch was submitted before: where it stands now.'),
          '202': json('BatchSummary', 'Stored (RECEIVED): it is recorded and sent off the request.'),
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
        security: APP_SECURITY,
        parameters: [batchId, ...batchPageParameters],
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
          pathParameter('tradeNo', 'The payout’s tradeNo', { type: 'string' }),
          pathParameter('token', 'The callback token of this tradeNo', { type: 'string' }),
        ],
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('PayproCallback') } } },
        responses: {
          '200': {
            description: 'Handled (duplicates too).',
            content: { 'text/plain': { schema: ref('CallbackAck') } },
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
    '/admin/payouts': {
      get: {
        operationId: 'adminListPayouts',
        tags: ['admin'],
        summary: 'List payouts by status and creation time, newest first',
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
          { limit: decimalIntegerParameter(1, ADMIN_LIST_MAX_LIMIT, ADMIN_LIST_DEFAULT_LIMIT) },
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
        security: ADMIN_SECURITY,
        parameters: [tradeNo],
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('ResolveRequest') } } },
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
    '/admin/reports/daily.csv': {
      get: {
        operationId: 'adminDailyReport',
        tags: ['admin'],
        summary: 'Every payout created one Kenya day, as CSV',
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
            content: { 'text/csv': { schema: ref('DailyReport') } },
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
        security: ADMIN_SECURITY,
        parameters: [batchId, ...batchPageParameters],
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
        security: ADMIN_SECURITY,
        parameters: [batchId],
        requestBody: { required: false, content: { [JSON_TYPE]: { schema: ref('ApproveBatchRequest') } } },
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
        security: ADMIN_SECURITY,
        parameters: [batchId],
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('CancelBatchRequest') } } },
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
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['meta'],
        summary: 'This document',
        security: [],
        responses: { '200': json('OpenApiDocument', 'The OpenAPI 3.1 document of this API.') },
      },
    },
  };
  const schemas = { ...componentsOf(replies, 'output'), ...requestComponents(limits) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paypro Kenya payouts',
      version: packageJson.version,
      description:
        'Pays out to M-Pesa wallets in Kenya through Paypro, each payout sent exactly once. ' +
        'Apps send the API key in `x-api-key` (a stage may also require SigV4); Paypro calls back ' +
        'on the notifyUrl given with each payout. Errors are problem+json (RFC 9457). A JSON body ' +
        'that gives a key twice in one object, at any depth, is a 400 naming the key (`is given more ' +
        'than once`); a query parameter a route does not take is a 400 naming it.',
    },
    servers: [
      { url: 'http://localhost:3000/dev', description: '`npm start`' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployed stage',
        variables: {
          apiId: { default: 'apiId', description: 'The REST API id (README, "Deploy")' },
          region: { default: 'eu-west-1' },
          stage: { default: 'prod' },
        },
      },
    ],
    tags: [
      { name: 'payouts', description: 'One payout at a time' },
      { name: 'batches', description: 'Up to 10,000 payouts in one request' },
      { name: 'callbacks', description: 'Called by Paypro, not by apps' },
      {
        name: 'admin',
        description:
          'For operators: AWS_IAM (SigV4) in every stage, never the API key. Under `npm start` the ' +
          'header x-admin-key (LOCAL_ADMIN_KEY, default local-admin-key) stands in for the signature.',
      },
      { name: 'meta', description: 'About the API itself' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: "The stage's API key (API Gateway usage plan: rate, burst and daily quota).",
        },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (API Gateway AWS_IAM authorisation): sign the request with ' +
            'credentials allowed execute-api:Invoke on the route.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}

/** Where the checked-in document lives: openapi.json at the repository root. */
export const DOCUMENT_PATH = resolve(import.meta.dirname, '../../openapi.json');

/** The document as openapi.json holds it: 2-space indent, a final newline. */
export function renderDocument(document: unknown = buildDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
