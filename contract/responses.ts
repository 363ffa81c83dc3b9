/*
 * The pieces the document's operations are made of: replies (each with its example), path and
 * query parameters, and who may call.
 */
import { z } from 'zod';
import type { JSONSchema } from 'zod/v4/core';
import { TRADE_NO_PATTERN } from '../lib/payouts/schema';
import { PROBLEM_EXAMPLES, REPLY_EXAMPLES } from './examples';
import { jsonSchema, ref, type Schema } from './json-schema';

/** A named example of a body, as a media type's `examples` holds it. */
export interface Example {
  summary: string;
  value: unknown;
}
type Examples = Record<string, Example>;

/** An OpenAPI response object. */
export interface Response {
  description: string;
  headers?: Record<string, { description: string; required?: boolean; schema: Schema }>;
  content?: Record<string, { schema: Schema; examples?: Examples }>;
}

export const JSON_TYPE = 'application/json';
export const PROBLEM_TYPE = 'application/problem+json';

/** A JSON reply of the named schema, with its usual example unless `examples` are given. */
export const json = (id: string, description: string, examples = REPLY_EXAMPLES[id]): Response => ({
  description,
  content: { [JSON_TYPE]: { schema: ref(id), ...(examples && { examples }) } },
});

/** A problem+json reply of the named problem schema, with its usual example unless others are given. */
export const problem = (id: string, description: string, examples = PROBLEM_EXAMPLES[id]): Response => ({
  description,
  content: { [PROBLEM_TYPE]: { schema: ref(id), ...(examples && { examples }) } },
});

/** A request body of the named schema, with its examples. */
export const jsonBody = (id: string, examples: Examples, required = true) => ({
  required,
  content: { [JSON_TYPE]: { schema: ref(id), examples } },
});

export const badRequest = (what: string) =>
  problem('BadRequestProblem', `${what}; \`errors\` lists every problem.`);
export const notFound = (what: string) => problem('NotFoundProblem', what);
export const serverError = problem('ServerErrorProblem', 'An unexpected error.');
export const unavailable: Response = {
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
  json('GatewayError', `API Gateway refused the request: missing or wrong credentials.${extra}`, {
    forbidden: { summary: 'No or a wrong API key', value: { message: 'Forbidden' } },
  });
const throttled = json(
  'GatewayError',
  "API Gateway's usage plan throttled this API key (rate, burst or daily quota).",
  { throttled: { summary: 'Over the rate, burst or quota', value: { message: 'Too Many Requests' } } },
);
export const capExceeded = (what: string) =>
  problem(
    'CapExceededProblem',
    `${what} would exceed a daily cap (the day's total or one recipient's, amount or count); nothing was recorded or sent.`,
  );

/** The replies every route behind the API key can get from API Gateway itself, and the 500. */
export const appRouteReplies = () => ({
  '403': gatewayForbidden(' Under AWS_IAM a missing or refused SigV4 signature also answers 403.'),
  '429': throttled,
  '500': serverError,
});

/** The replies every operator route can get from API Gateway's IAM check or its own, and the 500. */
export const adminRouteReplies = () => ({
  '403': {
    description:
      'Not signed, or signed by a principal not allowed execute-api:Invoke (API Gateway, JSON); or no ' +
      'operator identity reached the function (problem+json). Under `npm start`: no or a wrong x-admin-key.',
    content: {
      [JSON_TYPE]: {
        schema: ref('GatewayError'),
        examples: {
          unsigned: { summary: 'Not signed (or no x-admin-key locally)', value: { message: 'Forbidden' } },
          denied: {
            summary: 'Signed by a principal not allowed execute-api:Invoke',
            value: {
              Message:
                'User: arn:aws:iam::123456789012:user/clerk is not authorized to perform: execute-api:Invoke',
            },
          },
        },
      },
      [PROBLEM_TYPE]: { schema: ref('ForbiddenProblem'), examples: PROBLEM_EXAMPLES.ForbiddenProblem },
    },
  },
  '500': serverError,
});

/** A required path parameter. */
export const pathParameter = (name: string, description: string, schema: Schema, example: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
  example,
});

/** The schema of a tradeNo or batchId in a path. */
export const identifier = () => jsonSchema(z.string().regex(TRADE_NO_PATTERN));

/**
 * One query parameter per property of a handler's query schema, required as the schema says;
 * `stated` gives the schema of a parameter checked in a transform, which zod cannot describe,
 * or one that has a name in the document.
 */
export function queryParameters(
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

/** An integer query parameter, written in decimal digits only (lib/handlers/query-string.ts). */
export const decimalIntegerParameter = (min: number, max: number, fallback: number) =>
  jsonSchema(z.int().min(min).max(max).default(fallback));

/** The apps' routes: the API key, and SigV4 too where a stage requires it. */
export const APP_SECURITY = [{ apiKey: [] }, { apiKey: [], sigv4: [] }];
/** The operators' routes: SigV4 deployed; under `npm start` only, the local admin key stands in for it. */
export const ADMIN_SECURITY = [{ sigv4: [] }, { localAdminKey: [] }];
