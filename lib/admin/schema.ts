// zod/mini, as lib/payouts/schema.ts: these schemas validate the operator routes' requests and
// are the ones the OpenAPI document is generated from, so what is documented is what is checked.
import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import { decimalInteger, decimalIntegerMessage, unknownParameters } from '../handlers/query-string';
import { PAYOUT_STATUSES } from '../payouts/payout';
import { operatorTextSchema, refuse, toFieldProblems } from '../payouts/schema';

/** The most payouts one page of `GET /admin/payouts` lists. */
export const ADMIN_LIST_MAX_LIMIT = 100;
/** How many payouts a page lists when `limit` is not given. */
export const ADMIN_LIST_DEFAULT_LIMIT = 50;
/** Longest reason an operator may give for a resolution, in characters. */
export const RESOLVE_REASON_MAX_LENGTH = 500;

const CURSOR = 'is not a cursor this API gave';
const LIMIT = decimalIntegerMessage(1, ADMIN_LIST_MAX_LIMIT);

/** A point in time: an ISO 8601 date-time with `Z` or an offset, or a Kenya day `YYYY-MM-DD`. */
const instantOrDay = (meaning: string) =>
  z.optional(
    z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
      error: `must be an ISO 8601 date-time with Z or an offset (2026-11-24T09:30:00Z), or a day YYYY-MM-DD (${meaning})`,
    }),
  );

const cursorSchema = z.optional(
  z.string({ error: CURSOR }).check(z.minLength(1, { error: CURSOR }), z.maxLength(400, { error: CURSOR })),
);

/** Query of `GET /admin/payouts`: which payouts, created when, and the page. */
export const adminListQuerySchema = z.strictObject({
  status: z.optional(z.enum(PAYOUT_STATUSES, { error: `must be one of ${PAYOUT_STATUSES.join(', ')}` })),
  from: instantOrDay('a day means its start, Kenya time'),
  to: instantOrDay('a day means its end, Kenya time'),
  flagged: z.optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
  // Decimal digits only (lib/handlers/query-string.ts): z.coerce.number would take 0x10 and 1e1. A
  // transform, so the API document states this one's schema itself (contract/paths-admin.ts).
  limit: z._default(
    z.pipe(
      z.string({ error: LIMIT }),
      z.transform((text, ctx) => decimalInteger(text, 1, ADMIN_LIST_MAX_LIMIT) ?? refuse(ctx, LIMIT)),
    ),
    ADMIN_LIST_DEFAULT_LIMIT,
  ),
  cursor: cursorSchema,
});

/** Why an operator acts on a payout, in their words: kept in its history. */
const operatorReason = operatorTextSchema(RESOLVE_REASON_MAX_LENGTH);

/** Body of `POST /admin/payouts/{tradeNo}/resolve`: the final state wanted, why, and whether to override Paypro. */
export const resolveRequestSchema = z.strictObject({
  to: z.enum(['SUCCEEDED', 'FAILED'], { error: 'must be SUCCEEDED or FAILED' }),
  reason: operatorReason,
  force: z.optional(z.boolean({ error: 'must be true or false' })),
});

/** Body of `POST /admin/payouts/{tradeNo}/resend`: why the operator sends it again (what they checked). */
export const resendRequestSchema = z.strictObject({ reason: operatorReason });

/** Query of `GET /admin/reports/daily.csv`: the Kenya day, and where the previous reply stopped. */
export const dailyReportQuerySchema = z.strictObject({
  date: z.iso.date({ error: 'must be a day YYYY-MM-DD (Kenya time)' }),
  cursor: cursorSchema,
});

/** A validated `GET /admin/payouts` query (times not yet resolved). */
export type AdminListQuery = z.infer<typeof adminListQuerySchema>;
/** A validated resolution request. */
export type ResolveRequest = z.infer<typeof resolveRequestSchema>;
/** A validated resend request. */
export type ResendRequest = z.infer<typeof resendRequestSchema>;
/** A validated daily report query. */
export type DailyReportQuery = z.infer<typeof dailyReportQuerySchema>;

type Query = Record<string, string | undefined> | null | undefined;

function parseWith<S extends z.ZodMiniType>(schema: S, input: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(toFieldProblems(parsed.error, input));
  return parsed.data as z.infer<S>;
}

/** A query string by its schema: unknown parameters named by the rule every route follows, then the schema's problems. */
function parseQueryWith<S extends z.ZodMiniObject>(schema: S, query: Query): z.infer<S> {
  const known = Object.keys(schema.shape);
  const unknown = unknownParameters(query, known);
  const input = Object.fromEntries(Object.entries(query ?? {}).filter(([name]) => known.includes(name)));
  const parsed = schema.safeParse(input);
  const problems = [...unknown, ...(parsed.success ? [] : toFieldProblems(parsed.error, input))];
  if (problems.length > 0) throw new ValidationError(problems);
  return parsed.data as z.infer<S>;
}

/** Validates the list query; ValidationError naming each bad or unknown parameter. */
export function parseAdminListQuery(query: Query): AdminListQuery {
  return parseQueryWith(adminListQuerySchema, query);
}

/** Validates the daily report query; ValidationError naming each bad or unknown parameter. */
export function parseDailyReportQuery(query: Query): DailyReportQuery {
  return parseQueryWith(dailyReportQuerySchema, query);
}

/** A body that must be a JSON object, as one; ValidationError on `body` otherwise. */
function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

/** Validates a resolution body (already parsed JSON); ValidationError naming each bad or unknown field. */
export function parseResolveRequest(body: unknown): ResolveRequest {
  return parseWith(resolveRequestSchema, objectBody(body));
}

/** Validates a resend body (already parsed JSON); ValidationError naming `reason` when it is missing or bad. */
export function parseResendRequest(body: unknown): ResendRequest {
  return parseWith(resendRequestSchema, objectBody(body));
}
