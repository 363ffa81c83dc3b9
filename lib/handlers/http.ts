import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  AmountMismatchError,
  BatchConflictError,
  BatchNotFoundError,
  BatchStateError,
  CallbackTokenError,
  CapExceededError,
  type CapName,
  type FieldProblem,
  FloatUnreadableError,
  ForbiddenError,
  PayoutConflictError,
  PayoutNotFoundError,
  PayoutNotOpenError,
  PayproUnavailableError,
  ReceiptNotFoundError,
  ResendRefusedError,
  ResolutionContradictedError,
  ResolutionOvertakenError,
  StoreUnavailableError,
  ValidationError,
} from '../errors';
import { logger } from '../shared/logger';
import { duplicateKeys } from './duplicate-keys';
import { observed } from './observed';
import { refuseRepeatedParameters } from './query-string';

/** A raw API Gateway (REST, proxy) handler. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Largest request body accepted, in bytes; a payout request is a few hundred. */
export const MAX_BODY_BYTES = 16 * 1024;

/** A JSON reply. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** A CSV download: RFC 4180 text, offered as the file `filename`. */
export function csvResponse(
  body: string,
  filename: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      ...headers,
    },
    body,
  };
}

interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  /** How many problems there are in all; `errors` lists the first MAX_PROBLEMS. */
  problemCount?: number;
  tradeNo?: string;
  /** 422 over a cap: which cap, its limit, what is left, and the Kenya day it counts. */
  cap?: CapName;
  limit?: number;
  remaining?: number;
  day?: string;
  /** 409 on a resolution or a resend: what Paypro's query said. */
  paypro?: string;
  /** 409 on a resend: the payout's status as stored. */
  payoutStatus?: string;
}

function problem(
  status: number,
  title: string,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  const body: Problem = { type: 'about:blank', title, status, detail, ...extra };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(body),
  };
}

/** Seconds an app should wait before retrying when the store is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/** The 409s: the request contradicts what is stored, or what Paypro says; undefined for any other error. */
function conflictResponse(error: unknown): APIGatewayProxyResult | undefined {
  if (
    error instanceof PayoutConflictError ||
    error instanceof AmountMismatchError ||
    error instanceof BatchConflictError ||
    error instanceof BatchStateError ||
    error instanceof PayoutNotOpenError ||
    error instanceof ResolutionOvertakenError
  ) {
    return problem(409, 'Conflict', error.message);
  }
  if (error instanceof ResolutionContradictedError) {
    return problem(409, 'Conflict', error.message, { paypro: error.paypro });
  }
  if (error instanceof ResendRefusedError) {
    const paypro = error.paypro === undefined ? {} : { paypro: error.paypro };
    return problem(409, 'Conflict', error.message, { ...paypro, payoutStatus: error.status });
  }
  return undefined;
}

/**
 * The one place where errors become HTTP replies. Only statuses below 500 carry the
 * error's own message; anything unexpected is a generic 500.
 */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof ValidationError) {
    return problem(400, 'Bad Request', error.message, {
      errors: error.problems,
      problemCount: error.problemCount,
    });
  }
  if (
    error instanceof PayoutNotFoundError ||
    error instanceof BatchNotFoundError ||
    error instanceof ReceiptNotFoundError
  ) {
    return problem(404, 'Not Found', error.message);
  }
  const refused = conflictResponse(error);
  if (refused) return refused;
  if (error instanceof CapExceededError) {
    return problem(422, 'Unprocessable Content', error.message, {
      cap: error.cap,
      limit: error.limit,
      remaining: error.remaining,
      day: error.day,
      ...(error.problems.length > 0 && { errors: error.problems, problemCount: error.problemCount }),
    });
  }
  if (error instanceof ForbiddenError) return problem(403, 'Forbidden', error.message);
  if (error instanceof CallbackTokenError) return problem(401, 'Unauthorized', error.message);
  if (error instanceof PayproUnavailableError) {
    return problem(
      503,
      'Service Unavailable',
      `Paypro could not be asked about ${error.about}; try again later.`,
    );
  }
  if (error instanceof FloatUnreadableError) {
    // The cause (a refusal code, a path, a timeout) is in the log; the reply says only what to do.
    return problem(503, 'Service Unavailable', "Paypro's balance could not be read; try again later.");
  }
  if (error instanceof StoreUnavailableError) {
    // Not "nothing will happen": a write may land unconfirmed. The retry learns the truth.
    return problem(
      503,
      'Service Unavailable',
      'The payout store is unavailable; nothing has been sent. Retry with the same tradeNo to learn its state.',
      error.tradeNo ? { tradeNo: error.tradeNo } : {},
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }
  return problem(500, 'Internal Server Error', 'An unexpected error occurred.');
}

/**
 * Parses a JSON request body; a missing, oversized (over `maxBytes`) or malformed body is a 400
 * on `body`, and a key given twice in one object is a 400 naming it: JSON.parse keeps the last,
 * a gateway or log reader may keep the first, and the two must never disagree about money.
 */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  maxBytes = MAX_BODY_BYTES,
): unknown {
  const raw =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw === null || raw === undefined || raw === '') {
    throw new ValidationError([{ field: 'body', message: 'is required: send a JSON object' }]);
  }
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new ValidationError([{ field: 'body', message: `must be at most ${maxBytes} bytes` }]);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
  }
  const duplicates = duplicateKeys(raw);
  if (duplicates.length > 0) {
    throw new ValidationError(duplicates.map((field) => ({ field, message: 'is given more than once' })));
  }
  return body;
}

/**
 * Who is calling an operator route: the IAM principal's ARN, which API Gateway sets on every
 * AWS_IAM route once the SigV4 signature checks out; else the principal an authorizer named
 * (`local` from the stand-in for IAM under `npm start`); else ForbiddenError (403).
 */
export function operatorOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const context = event.requestContext as Partial<APIGatewayProxyEvent['requestContext']> | undefined;
  const arn = context?.identity?.userArn;
  if (typeof arn === 'string' && arn.startsWith('arn:')) return arn;
  const principal = context?.authorizer?.principalId;
  if (typeof principal === 'string' && principal !== '') return principal;
  throw new ForbiddenError();
}

/** Wraps a raw handler in the shared middy stack: Lambda context in logs, errors to problem+json. */
export function httpHandler(raw: ApiHandler) {
  return observed<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use({
      onError: async (request) => {
        const response = errorResponse(request.error);
        if (response.statusCode >= 500) {
          logger.error('request failed', { statusCode: response.statusCode, error: request.error });
        } else {
          logger.info('request refused', { statusCode: response.statusCode, reason: request.error?.message });
        }
        request.response = response;
      },
    })
    .handler(async (event, context) => {
      // Before the route: its parsers see one value per parameter, the last, and would take it.
      refuseRepeatedParameters(event.multiValueQueryStringParameters);
      return raw(event, context);
    });
}
