import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { adminDailyReportHandler } from '../../../functions/admin-daily-report';
import { adminGetBatchHandler } from '../../../functions/admin-get-batch';
import { adminListBatchesHandler } from '../../../functions/admin-list-batches';
import { adminListPayoutsHandler } from '../../../functions/admin-list-payouts';
import { getPayoutBatchHandler } from '../../../functions/get-payout-batch';
import { apiEvent, lambdaContext } from '../../support/events';

// Deps that throw when touched: a refused request reads nothing and writes nothing.
const untouchable = new Proxy(
  {},
  {
    get: (_, name) => {
      throw new Error(`the route touched ${String(name)}`);
    },
  },
) as never;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The event API Gateway (and serverless-offline) builds for `?query`: the last value of each, and all. */
function eventWith(
  path: string,
  query: string,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEvent {
  const multi: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) multi[name] = [...(multi[name] ?? []), value];
  const last = Object.fromEntries(
    Object.entries(multi).map(([name, values]) => [name, values.at(-1) as string]),
  );
  return {
    ...apiEvent({
      method: 'GET',
      path,
      ...(pathParameters && { pathParameters }),
      queryStringParameters: last,
    }),
    multiValueQueryStringParameters: multi,
    requestContext: {
      identity: { userArn: 'arn:aws:iam::123456789012:user/ops-alice' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const ROUTES: Array<[string, Handler, APIGatewayProxyEvent, string]> = [
  [
    'GET /admin/payouts',
    adminListPayoutsHandler(untouchable),
    eventWith('/admin/payouts', 'limit=0x10&limit=5'),
    'limit',
  ],
  [
    'GET /admin/payouts',
    adminListPayoutsHandler(untouchable),
    eventWith('/admin/payouts', 'status=PENDING&status=FAILED'),
    'status',
  ],
  [
    'GET /admin/payout-batches',
    adminListBatchesHandler(untouchable),
    eventWith('/admin/payout-batches', 'status=SENDING&limit=5&status=COMPLETED'),
    'status',
  ],
  [
    'GET /admin/payout-batches/{batchId}',
    adminGetBatchHandler(untouchable),
    eventWith('/admin/payout-batches/b1', 'limit=5&limit=6', { batchId: 'b1' }),
    'limit',
  ],
  [
    'GET /payout-batches/{batchId}',
    getPayoutBatchHandler(untouchable),
    eventWith('/payout-batches/b1', 'cursor=a&cursor=b', { batchId: 'b1' }),
    'cursor',
  ],
  [
    'GET /admin/reports/daily.csv',
    adminDailyReportHandler(untouchable),
    eventWith('/admin/reports/daily.csv', 'date=2026-11-24&date=2026-11-25'),
    'date',
  ],
];

describe('a query parameter given twice', () => {
  it.each(ROUTES)(
    'is a 400 naming it on %s (%#), before the route reads anything',
    async (_, handler, event, name) => {
      // Act
      const reply = await handler(event, lambdaContext());

      // Assess
      expect(reply.statusCode).toBe(400);
      expect(reply.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(JSON.parse(reply.body)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: expect.any(String),
        errors: [{ field: name, message: 'is given more than once' }],
        problemCount: 1,
      });
    },
  );
});
