/*
 * The error replies as zod schemas, for the API document only: each a problem (RFC 9457) of one
 * HTTP status, with `status` and `title` constant, so a typed client narrows a union of errors
 * by `status` (a 422 to its cap fields); each also refers to the shared base, `Problem`.
 */
import { z } from 'zod';
import { ref, type Schema } from './json-schema';
import { capName, count, fieldProblem, payoutStatus, replies } from './schemas';

/** The base every problem of the service extends: RFC 9457's members, as lib/handlers/http.ts writes them. */
export const PROBLEM_BASE: Schema = {
  type: 'object',
  description:
    'A problem (RFC 9457, application/problem+json): every error the service itself writes is one, ' +
    'with `status` equal to the HTTP status. Each reply names its own schema, whose `status` is constant.',
  properties: {
    type: { type: 'string', description: 'Always about:blank: the status says what kind of problem' },
    title: { type: 'string', description: 'The HTTP status, in words' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status' },
    detail: { type: 'string', description: 'What went wrong, for a person' },
  },
  required: ['type', 'title', 'status', 'detail'],
};

/** What each problem registers besides its id: a reference to the shared base. */
const EXTENDS_PROBLEM = { allOf: [ref('Problem')] };

/** A problem as lib/handlers/http.ts writes it, with the status and title of one HTTP status. */
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
  .register(replies, {
    ...EXTENDS_PROBLEM,
    id: 'BadRequestProblem',
    description: 'The request is malformed; nothing was done.',
  });

export const unauthorized = problem(401, 'Unauthorized').register(replies, {
  ...EXTENDS_PROBLEM,
  id: 'UnauthorizedProblem',
  description: 'The callback token does not match the tradeNo.',
});

export const forbidden = problem(403, 'Forbidden').register(replies, {
  ...EXTENDS_PROBLEM,
  id: 'ForbiddenProblem',
  description: 'The caller has no operator identity.',
});

export const notFound = problem(404, 'Not Found').register(replies, {
  ...EXTENDS_PROBLEM,
  id: 'NotFoundProblem',
  description: 'Nothing has this id.',
});

export const conflict = problem(409, 'Conflict')
  .extend({
    paypro: z
      .string()
      .optional()
      .describe(
        "On a resolution that Paypro's own query contradicts, or a resend of a payout Paypro knows: what Paypro said",
      ),
    payoutStatus: payoutStatus
      .optional()
      .describe(
        'On a refused resend: the payout’s status as stored (final, or PENDING when Paypro knows it)',
      ),
  })
  .register(replies, {
    ...EXTENDS_PROBLEM,
    id: 'ConflictProblem',
    description: 'The request contradicts what is stored; nothing changed.',
  });

export const capExceeded = problem(422, 'Unprocessable Content')
  .extend({
    cap: capName.describe('Which daily cap the payout (or batch) would exceed'),
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
    ...EXTENDS_PROBLEM,
    id: 'CapExceededProblem',
    description: 'A daily cap would be exceeded; nothing was recorded or sent.',
  });

export const serverError = problem(500, 'Internal Server Error').register(replies, {
  ...EXTENDS_PROBLEM,
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
    ...EXTENDS_PROBLEM,
    id: 'UnavailableProblem',
    description: 'The store (or Paypro, for a resolution) did not answer; retry after Retry-After seconds.',
  });

export const gatewayError = z
  // IAM's refusal of a signed request says `Message`; the others `message`. Nothing else: closed,
  // so that a typed client's union of errors stays narrowable by `status`.
  .union([z.strictObject({ message: z.string() }), z.strictObject({ Message: z.string() })])
  .register(replies, {
    id: 'GatewayError',
    description:
      'Written by API Gateway, not by the service: a missing or wrong API key (`{"message":"Forbidden"}`), ' +
      'a missing or refused SigV4 signature, or the usage plan throttling (`{"message":"Too Many Requests"}`). ' +
      'Not a problem: it has no `status`.',
  });
